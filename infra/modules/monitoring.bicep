// Log Analytics (Container Apps logs, Application Insights' store) and Application Insights for the Functions app.
// Application Insights takes Entra ID authentication only (local auth off): the app's identity publishes telemetry.

@description('Azure region.')
param location string

@description('Log Analytics workspace name.')
param workspaceName string

@description('Application Insights component name.')
param appInsightsName string

@description('Days Log Analytics keeps data.')
@minValue(30)
@maxValue(730)
param retentionInDays int

@description('Resource id of the identity that publishes telemetry (names the role assignment: known before deployment).')
param publisherIdentityId string

@description('Principal id of that identity.')
param publisherPrincipalId string

@description('Tags for every resource.')
param tags object

// Built-in role: Monitoring Metrics Publisher (telemetry ingestion with Entra ID).
var monitoringMetricsPublisher = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource publisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, publisherIdentityId, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: publisherPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: monitoringMetricsPublisher
  }
}

output workspaceId string = workspace.id
output appInsightsName string = appInsights.name
// The connection string names the ingestion endpoint; with local auth off it grants nothing by itself.
output appInsightsConnectionString string = appInsights.properties.ConnectionString

// The Durable Functions app on Flex Consumption (.NET isolated). Every connection is identity-based: the host's
// storage (and so the task hub and the blob trigger), the deployment package, Application Insights, the store.

@description('Azure region.')
param location string

@description('Flex Consumption plan name.')
param planName string

@description('Function app name (globally unique host name).')
param name string

@description('.NET isolated runtime version (Flex Consumption lists them: az functionapp list-flexconsumption-runtimes).')
param dotnetVersion string

@description('Memory of one instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity.')
param identityClientId string

@description('Storage account of the host, the task hub and the store.')
param storageAccountName string

@description('Blob service URI of the store (TF_Store__BlobServiceUri).')
param storeBlobServiceUri string

@description('Blob container of the store (TF_Store__Container).')
param storeContainerName string

@description('URI of the blob container the plan deploys the app package from.')
param deploymentContainerUri string

@description('Application Insights connection string (not a secret: local auth is off, ingestion needs Entra ID).')
param appInsightsConnectionString string

@description('Name of the step job (in this resource group) the orchestrator starts executions of.')
param stepJobName string

@description('Device the step executions use (passed to them as TF_Engine__Device).')
param stepDevice string

@description('Seconds Container Apps lets one replica of a step run (the job\'s replicaTimeout).')
param stepReplicaTimeoutSeconds int

@description('Replica retries Container Apps makes within one execution (the job\'s replicaRetryLimit).')
param stepReplicaRetryLimit int

@description('Blob service URI of the account (the blob trigger\'s connection).')
param blobServiceUri string

@description('Queue service URI of the account (the blob trigger keeps its poison queue there).')
param queueServiceUri string

@description('Tags for every resource.')
param tags object

// The orchestrator stops waiting for an execution only after Container Apps has had every replica attempt, plus a
// margin for scheduling (a GPU replica can wait for capacity); as a TimeSpan, d.hh:mm:ss.
var containerTimeoutSeconds = stepReplicaTimeoutSeconds * (stepReplicaRetryLimit + 1) + 900
var containerTimeout = format(
  '{0}.{1:D2}:{2:D2}:{3:D2}',
  containerTimeoutSeconds / 86400,
  (containerTimeoutSeconds % 86400) / 3600,
  (containerTimeoutSeconds % 3600) / 60,
  containerTimeoutSeconds % 60
)

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUri
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: dotnetVersion
      }
    }
  }
}

// Flex Consumption takes the worker runtime from functionAppConfig: FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION are not app settings there. No setting below is a secret.
resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // Host storage, the Durable task hub (host.json: AzureStorage provider, default connection) and the
    // Event Grid blob trigger's container, all through the identity.
    AzureWebJobsStorage__accountName: storageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // The Event Grid blob trigger's connection ("Storage"): the same account, by identity; blob triggers need the
    // queue endpoint too.
    Storage__blobServiceUri: blobServiceUri
    Storage__queueServiceUri: queueServiceUri
    Storage__credential: 'managedidentity'
    Storage__clientId: identityClientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // DefaultAzureCredential picks the user-assigned identity by this client id.
    AZURE_CLIENT_ID: identityClientId
    TF_Store__Kind: 'azure-blob'
    TF_Store__BlobServiceUri: storeBlobServiceUri
    TF_Store__Container: storeContainerName
    // The Functions instances have no GPU and run no model: their own device is the CPU.
    TF_Engine__Device: 'cpu'
    // The step job (ContainerApps: section of src/TransferFunctions.Azure): its resource id, split as the launcher
    // reads it, and the device its executions use. The image is the job template's: starts keep it.
    TF_ContainerApps__SubscriptionId: subscription().subscriptionId
    TF_ContainerApps__ResourceGroup: resourceGroup().name
    TF_ContainerApps__JobName: stepJobName
    TF_ContainerApps__EngineDevice: stepDevice
    TF_ContainerApps__ManagedIdentityClientId: identityClientId
    // Steps run as job executions, monitored by durable timers (Steps: section of the Functions app).
    TF_Steps__Runner: 'container-job'
    TF_Steps__ContainerTimeout: containerTimeout
  }
}

// Deployments go through Entra ID (azure/login + OIDC); basic publishing credentials are switched off.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

output id string = site.id
output name string = site.name
output defaultHostName string = site.properties.defaultHostName

// The registry the step image is pushed to (by GitHub Actions) and pulled from (by the job, as the identity).

@description('Azure region.')
param location string

@description('Registry name (5-50 letters and digits, globally unique).')
@minLength(5)
@maxLength(50)
param name string

@description('Registry tier.')
@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param skuName string

@description('Resource id of the identity that pulls images (names the role assignment: known before deployment).')
param pullIdentityId string

@description('Principal id of that identity.')
param pullPrincipalId string

@description('Tags for every resource.')
param tags object

// Built-in role: AcrPull.
var acrPull = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
  }
  properties: {
    adminUserEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, pullIdentityId, acrPull)
  scope: registry
  properties: {
    principalId: pullPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: acrPull
  }
}

output id string = registry.id
output name string = registry.name
output loginServer string = registry.properties.loginServer

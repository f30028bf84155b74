// The one user-assigned identity every part of the edge runs as: the Functions app (host storage, task hub,
// the store, starting step executions) and the step job (the store, pulling its image). No keys anywhere.

@description('Azure region.')
param location string

@description('Name of the user-assigned managed identity.')
param name string

@description('Tags for every resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId

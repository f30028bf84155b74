using 'main.bicep'

// Development: CPU steps on the Consumption profile (no GPU quota needed), smallest tiers.
param environmentName = 'dev'
param stepWorkloadProfileType = 'Consumption'
param stepReplicaTimeoutSeconds = 3600
param stepReplicaRetryLimit = 1
param functionsMaximumInstanceCount = 40
param storageSkuName = 'Standard_LRS'
param registrySkuName = 'Basic'
param logRetentionInDays = 30
// Set per deployment on the command line: stepImageTag (the commit) and, after the app is published, enableReadyEvents=true.

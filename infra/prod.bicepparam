using 'main.bicep'

// Production: steps on a serverless T4 GPU (request the quota first, docs/azure.md), zone-redundant storage.
param environmentName = 'prod'
param stepWorkloadProfileType = 'Consumption-GPU-NC8as-T4'
param stepReplicaTimeoutSeconds = 7200
param stepReplicaRetryLimit = 1
param functionsMaximumInstanceCount = 100
param storageSkuName = 'Standard_ZRS'
param registrySkuName = 'Standard'
param logRetentionInDays = 90
// Set per deployment on the command line: stepImageTag (the commit) and, after the app is published, enableReadyEvents=true.

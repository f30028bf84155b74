// TransferFunctions on Azure: the Durable Functions app (Flex Consumption), the GPU step job (Container Apps),
// the store and task hub (one storage account), the registry, one managed identity, Event Grid and monitoring.
// Deployed into an existing resource group: az deployment group create -f infra/main.bicep -p infra/<env>.bicepparam
targetScope = 'resourceGroup'

@description('Environment name, part of every resource name.')
@allowed([
  'dev'
  'prod'
])
param environmentName string

@description('Azure region of every resource. Serverless GPUs and Flex Consumption must both be offered there.')
param location string = resourceGroup().location

@description('Short prefix of every resource name (lowercase letters and digits).')
@minLength(2)
@maxLength(8)
param namePrefix string = 'tf'

@description('Tag of the step image in the registry (the commit). Empty: a public placeholder image, for the first deployment before any push.')
param stepImageTag string = ''

@description('Repository of the step image in the registry.')
param stepImageRepository string = 'transferfunctions-step'

@description('Workload profile of the step job: a serverless GPU (needs GPU quota) or Consumption (CPU).')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
  'Consumption'
])
param stepWorkloadProfileType string = 'Consumption-GPU-NC8as-T4'

@description('Seconds one step execution may run.')
@minValue(60)
@maxValue(86400)
param stepReplicaTimeoutSeconds int = 7200

@description('Replica retries of one step execution before it fails (steps are idempotent).')
@minValue(0)
@maxValue(10)
param stepReplicaRetryLimit int = 1

@description('Blob container of the object store (Store:Container).')
param storeContainerName string = 'transferfunctions'

@description('Second deployment phase: subscribe the app\'s Event Grid blob trigger to `_READY` markers (needs the app code published).')
param enableReadyEvents bool = false

@description('Name of the Event Grid blob trigger function in the Functions app.')
param readyTriggerFunctionName string = 'Datasets_Ready'

@description('.NET isolated runtime version of the Functions app on Flex Consumption.')
param functionsDotnetVersion string = '10.0'

@description('Memory of one Functions instance in MB.')
@allowed([
  512
  2048
  4096
])
param functionsInstanceMemoryMB int = 2048

@description('Most instances the Functions app scales out to.')
@minValue(40)
@maxValue(1000)
param functionsMaximumInstanceCount int = 40

@description('Storage account redundancy.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Container registry tier.')
@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param registrySkuName string = 'Basic'

@description('Days Log Analytics keeps data.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Grant the built-in Container Apps Jobs Operator role instead of the narrower custom role.')
param useBuiltInJobsOperatorRole bool = false

var token = take(uniqueString(resourceGroup().id, environmentName), 8)
var baseName = '${namePrefix}-${environmentName}'
var tags = {
  application: 'transferfunctions'
  environment: environmentName
}
// Before the first push the job needs some image; this public one only prints a line and exits.
var identityName = 'id-${baseName}'
// Known before deployment, so role assignment names (guids) and the events module's app name are stable in what-if.
var identityId = resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', identityName)
var functionAppName = 'func-${baseName}-${token}'
var placeholderImage = 'mcr.microsoft.com/k8se/quickstart-jobs:latest'
var stepImage = empty(stepImageTag) ? placeholderImage : '${registry.outputs.loginServer}/${stepImageRepository}:${stepImageTag}'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    location: location
    name: identityName
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: 'log-${baseName}-${token}'
    appInsightsName: 'appi-${baseName}-${token}'
    retentionInDays: logRetentionInDays
    publisherIdentityId: identityId
    publisherPrincipalId: identity.outputs.principalId
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: toLower('st${namePrefix}${environmentName}${token}')
    storeContainerName: storeContainerName
    deploymentContainerName: 'app-package'
    skuName: storageSkuName
    identityId: identityId
    principalId: identity.outputs.principalId
    tags: tags
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    location: location
    name: toLower('cr${namePrefix}${environmentName}${token}')
    skuName: registrySkuName
    pullIdentityId: identityId
    pullPrincipalId: identity.outputs.principalId
    tags: tags
  }
}

module steps 'modules/containerapps.bicep' = {
  name: 'steps'
  params: {
    location: location
    environmentName: 'cae-${baseName}-${token}'
    jobName: 'job-${baseName}-step'
    workloadProfileType: stepWorkloadProfileType
    image: stepImage
    registryServer: registry.outputs.loginServer
    replicaTimeoutSeconds: stepReplicaTimeoutSeconds
    replicaRetryLimit: stepReplicaRetryLimit
    identityId: identityId
    identityClientId: identity.outputs.clientId
    operatorPrincipalId: identity.outputs.principalId
    useBuiltInJobsOperatorRole: useBuiltInJobsOperatorRole
    storeBlobServiceUri: storage.outputs.blobServiceUri
    storeContainerName: storage.outputs.storeContainerName
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    tags: tags
  }
}

module functions 'modules/functionapp.bicep' = {
  name: 'functions'
  params: {
    location: location
    planName: 'plan-${baseName}-${token}'
    name: functionAppName
    dotnetVersion: functionsDotnetVersion
    instanceMemoryMB: functionsInstanceMemoryMB
    maximumInstanceCount: functionsMaximumInstanceCount
    identityId: identityId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storeBlobServiceUri: storage.outputs.blobServiceUri
    storeContainerName: storage.outputs.storeContainerName
    deploymentContainerUri: storage.outputs.deploymentContainerUri
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    stepJobName: steps.outputs.jobName
    stepDevice: steps.outputs.device
    stepReplicaTimeoutSeconds: stepReplicaTimeoutSeconds
    stepReplicaRetryLimit: stepReplicaRetryLimit
    blobServiceUri: storage.outputs.blobServiceUri
    queueServiceUri: storage.outputs.queueServiceUri
    tags: tags
  }
}

module events 'modules/events.bicep' = {
  name: 'events'
  // The subscription's webhook is the app's; the app name is passed as a value known before deployment.
  dependsOn: [
    functions
  ]
  params: {
    location: location
    topicName: 'evgt-${baseName}-${token}'
    storageAccountId: storage.outputs.id
    storeContainerName: storage.outputs.storeContainerName
    enableSubscription: enableReadyEvents
    functionAppName: functionAppName
    triggerFunctionName: readyTriggerFunctionName
    tags: tags
  }
}

output functionAppName string = functions.outputs.name
output functionAppUrl string = 'https://${functions.outputs.defaultHostName}'
output registryName string = registry.outputs.name
output registryLoginServer string = registry.outputs.loginServer
output stepImage string = stepImage
output stepJobName string = steps.outputs.jobName
output stepJobId string = steps.outputs.jobId
output storageAccountName string = storage.outputs.name
output storeBlobServiceUri string = storage.outputs.blobServiceUri
output identityClientId string = identity.outputs.clientId
output readyEventsSubscribed bool = events.outputs.subscriptionDeployed

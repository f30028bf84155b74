// The Container Apps environment with a serverless GPU workload profile, and the manual-trigger job that runs
// `transfer step`. The orchestrator starts one execution per step (ARM `start`, overriding the container's
// arguments and environment with the step's input and output keys) and polls it with durable timers.

@description('Azure region (serverless GPUs exist in a few regions only; see docs/azure.md).')
param location string

@description('Container Apps environment name.')
param environmentName string

@description('Job name.')
@maxLength(32)
param jobName string

@description('Workload profile type the job runs on: a serverless GPU profile, or Consumption (CPU, no GPU quota needed).')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
  'Consumption'
])
param workloadProfileType string

@description('Full image reference of the step image (registry/repository:tag).')
param image string

@description('Login server of the registry the image is pulled from, as the identity.')
param registryServer string

@description('Seconds one step execution may run before Container Apps stops it.')
@minValue(60)
param replicaTimeoutSeconds int

@description('Times Container Apps retries a failed replica before the execution fails.')
@minValue(0)
@maxValue(10)
param replicaRetryLimit int

@description('Resource id of the user-assigned identity the job runs as.')
param identityId string

@description('Client id of that identity (AZURE_CLIENT_ID for DefaultAzureCredential).')
param identityClientId string

@description('Principal id of the identity (resource id: identityId) that starts, reads and stops executions: the Functions app\'s.')
param operatorPrincipalId string

@description('Use the built-in Container Apps Jobs Operator role instead of the custom role (for deployers without roleDefinitions/write).')
param useBuiltInJobsOperatorRole bool

@description('Blob service URI of the store (TF_Store__BlobServiceUri).')
param storeBlobServiceUri string

@description('Blob container of the store (TF_Store__Container).')
param storeContainerName string

@description('Log Analytics workspace receiving the environment\'s logs (through diagnostic settings, no shared key).')
param logAnalyticsWorkspaceId string

@description('Tags for every resource.')
param tags object

var gpu = workloadProfileType != 'Consumption'
// What one replica gets: a serverless GPU profile is one whole GPU with its vCPUs and memory; Consumption is CPU only.
var sizes = {
  'Consumption-GPU-NC8as-T4': { cpu: 8, memory: '56Gi' }
  'Consumption-GPU-NC24-A100': { cpu: 24, memory: '220Gi' }
  Consumption: { cpu: 4, memory: '8Gi' }
}
var profileName = gpu ? 'gpu' : 'Consumption'
var device = gpu ? 'cuda' : 'cpu'

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    // 'azure-monitor' sends logs through the diagnostic setting below: no workspace shared key in the template.
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    workloadProfiles: concat(
      [
        {
          name: 'Consumption'
          workloadProfileType: 'Consumption'
        }
      ],
      gpu
        ? [
            {
              name: profileName
              workloadProfileType: workloadProfileType
            }
          ]
        : []
    )
  }
}

// The newest stable diagnosticSettings version the linter knows (2016-09-01) predates categoryGroup; this is the one documented for it.
#disable-next-line use-recent-api-versions
resource environmentLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs-to-workspace'
  scope: environment
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

resource job 'Microsoft.App/jobs@2025-01-01' = {
  name: jobName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: profileName
    configuration: {
      triggerType: 'Manual'
      replicaTimeout: replicaTimeoutSeconds
      replicaRetryLimit: replicaRetryLimit
      manualTriggerConfig: {
        parallelism: 1
        replicaCompletionCount: 1
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'step'
          image: image
          // The image's entrypoint is `transfer step`; each start overrides command and arguments
          // (transfer step <name> --input <key> --output <key>). Without them the step prints its usage and exits.
          args: [
            '--help'
          ]
          env: [
            {
              name: 'TF_Store__Kind'
              value: 'azure-blob'
            }
            {
              name: 'TF_Store__BlobServiceUri'
              value: storeBlobServiceUri
            }
            {
              name: 'TF_Store__Container'
              value: storeContainerName
            }
            {
              name: 'TF_Engine__Device'
              value: device
            }
            {
              name: 'AZURE_CLIENT_ID'
              value: identityClientId
            }
          ]
          resources: {
            cpu: sizes[workloadProfileType].cpu
            memory: sizes[workloadProfileType].memory
          }
        }
      ]
    }
  }
}

// Least privilege for the orchestrator: read the job, start an execution, read executions, stop one execution.
// Not jobs/write, not listSecrets (the built-in Jobs Operator role grants jobs/*/action, which includes it).
resource jobsOperatorRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (!useBuiltInJobsOperatorRole) {
  name: guid(resourceGroup().id, jobName, 'step-job-operator')
  properties: {
    roleName: 'TransferFunctions step job operator (${jobName}, ${resourceGroup().name})'
    description: 'Start, read and stop executions of the TransferFunctions step job; nothing else.'
    type: 'CustomRole'
    assignableScopes: [
      resourceGroup().id
    ]
    permissions: [
      {
        actions: [
          'Microsoft.App/jobs/read'
          'Microsoft.App/jobs/start/action'
          'Microsoft.App/jobs/executions/read'
          'Microsoft.App/jobs/execution/read'
          'Microsoft.App/jobs/stop/execution/action'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

// Built-in role: Container Apps Jobs Operator.
var builtInJobsOperator = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b9a307c4-5aa3-4b52-ba60-2b17c136cd7b')
var operatorRoleId = useBuiltInJobsOperatorRole ? builtInJobsOperator : jobsOperatorRole.id

resource operator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(job.id, identityId, operatorRoleId)
  scope: job
  properties: {
    principalId: operatorPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: operatorRoleId
  }
}

output environmentId string = environment.id
output jobId string = job.id
output jobName string = job.name
output device string = device

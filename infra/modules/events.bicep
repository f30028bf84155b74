// Data arrival: blob-created events of `_READY` markers under datasets/ go to the Functions app's Event Grid
// blob trigger (the blobs extension's webhook). The webhook needs the host's `blobs_extension` system key, which
// exists only once the app's code runs, so the subscription is deployed in a second phase (docs/azure.md).

@description('Azure region (the storage account\'s).')
param location string

@description('System topic name.')
param topicName string

@description('Resource id of the storage account whose events are delivered.')
param storageAccountId string

@description('Blob container of the store.')
param storeContainerName string

@description('Create the subscription (second phase, after the app code is published).')
param enableSubscription bool

@description('Function app name whose blob trigger receives the events.')
param functionAppName string

@description('Name of the Event Grid blob trigger function in the app.')
param triggerFunctionName string

@description('Tags for every resource.')
param tags object

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: topicName
  location: location
  tags: tags
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

// The host's keys are not a typed resource; list them by id.
var blobsExtensionKey = enableSubscription ? listKeys('${site.id}/host/default', '2025-03-01').systemKeys.blobs_extension : ''

resource readySubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = if (enableSubscription) {
  parent: topic
  name: 'dataset-ready'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${site.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${triggerFunctionName}&code=${blobsExtensionKey}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${storeContainerName}/blobs/datasets/'
      subjectEndsWith: '/_READY'
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output topicName string = topic.name
output subscriptionDeployed bool = enableSubscription

using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TransferFunctions.Functions.Runs;
using TransferFunctions.Pipeline.Hosting;

namespace TransferFunctions.Functions.Triggers;

/// <summary>
/// A batch's <c>_READY</c> marker (written last) starts its run: the Event Grid blob trigger hands the batch to the
/// core's <see cref="DataArrivalTrigger"/>, which derives the run id from (project, batch), submits it unless the
/// batch has an arrival record, and writes the record. A duplicate or replayed event finds the record (or the
/// instance) and does nothing. The <c>Trigger</c> settings apply as in <c>transfer serve</c>, except that nothing
/// watches a filesystem here: Event Grid delivers the events.
/// </summary>
public sealed class DatasetArrivalFunction(DurableAdaptationServices services, IOptions<DataArrivalTriggerOptions> options, TimeProvider clock, ILoggerFactory loggers)
{
    /// <summary>The marker blobs, in the default container (<c>Store:Container</c> = transferfunctions).</summary>
    public const string MarkerPath = "transferfunctions/datasets/{project}/{batch}/" + ArrivalKeys.ReadyMarker;

    [Function("Datasets_Ready")]
    public async Task RunAsync(
        [BlobTrigger(MarkerPath, Source = BlobTriggerSource.EventGrid, Connection = "Storage")] byte[] marker,
        string project, string batch,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        using var trigger = new DataArrivalTrigger(services.Store, services.For(client),
            options.Value with { WatchFileSystem = false }, loggers.CreateLogger<DataArrivalTrigger>(), clock);
        var arrival = await trigger.HandleBatchAsync(project, batch, cancellationToken);
        if (arrival is null && await services.Store.GetPropertiesAsync(ArrivalKeys.Handled(project, batch), cancellationToken) is null)
        {
            // Neither handled before nor now: a transient failure (logged by the trigger). Failing the invocation makes the event be delivered again.
            throw new InvalidOperationException($"Batch {project}/{batch} could not be submitted; the event will be retried.");
        }
    }
}

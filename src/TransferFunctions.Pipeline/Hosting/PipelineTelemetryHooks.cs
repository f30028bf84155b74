using TransferFunctions.Pipeline.Observability;

namespace TransferFunctions.Pipeline.Hosting;

/// <summary>Points the queue-depth and parked-runs gauges at this host's scheduler.</summary>
internal static class PipelineTelemetryHooks
{
    public static void Observe(RunScheduler scheduler, ParkedRuns parked) =>
        PipelineTelemetry.ObserveScheduler(() => scheduler.Snapshot.Queued.Count, () => parked.Count);
}

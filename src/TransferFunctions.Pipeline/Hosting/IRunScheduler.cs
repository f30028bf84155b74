namespace TransferFunctions.Pipeline.Hosting;

/// <summary>
/// Where a host's adaptation service hands created runs for execution. The local host's
/// <see cref="RunScheduler"/> runs them in this process; a Durable Functions host would start
/// orchestration instances instead.
/// </summary>
public interface IRunScheduler
{
    /// <summary>
    /// Queues <paramref name="run"/> for execution. Returns false when it is already queued or
    /// executing here (so a duplicate submission never runs a run twice at once) or when the
    /// scheduler is stopping.
    /// </summary>
    bool Schedule(ScheduledRun run);
}

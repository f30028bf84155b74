namespace TransferFunctions.Pipeline.Hosting;

/// <summary>What a <see cref="RunScheduler"/> is doing right now: runs executing, and runs waiting in arrival order.</summary>
public sealed record RunSchedulerSnapshot(IReadOnlyList<ScheduledRun> Running, IReadOnlyList<ScheduledRun> Queued);

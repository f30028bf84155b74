namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>Tuning of <see cref="LocalOrchestrationRunner"/>; the defaults suit a workstation.</summary>
public sealed record LocalRunnerOptions
{
    /// <summary>How long a runner's claim on a run lasts without renewal; a crashed runner's run can be resumed after this.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a waiting runner looks for raised events and cancellation requests.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Names this runner in leases, for diagnostics.</summary>
    public string Owner { get; init; } = $"{Environment.MachineName} pid {Environment.ProcessId}";
}

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>Tuning of <see cref="LocalOrchestrationRunner"/> (configuration section <c>Runner</c>); the defaults suit a workstation.</summary>
public sealed record LocalRunnerOptions
{
    public const string Section = "Runner";

    /// <summary>How long a runner's claim on a run lasts without renewal; a crashed runner's run can be resumed after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a waiting runner looks for raised events and cancellation requests.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Names this runner in leases, for diagnostics.</summary>
    public string Owner { get; set; } = $"{Environment.MachineName} pid {Environment.ProcessId}";

    /// <summary>
    /// When the orchestration has nothing left but events or timers to wait for, persist and return instead of waiting:
    /// the run is left <see cref="RunStatus.WaitingForEvent"/> with <see cref="RunRecord.WakeAt"/> set, holding no lease,
    /// and is executed again (replayed) when its event is raised or its deadline passes.
    /// </summary>
    public bool ParkWhenWaiting { get; set; }

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public LocalRunnerOptions Validate()
    {
        if (LeaseDuration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(LeaseDuration), LeaseDuration, "Runner:LeaseDuration must be positive.");
        if (PollInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "Runner:PollInterval must be positive.");
        if (PollInterval >= LeaseDuration) throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "Runner:PollInterval must be shorter than Runner:LeaseDuration.");
        return this;
    }
}

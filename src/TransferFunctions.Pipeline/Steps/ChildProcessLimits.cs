namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// How <see cref="ChildProcessStepExecutor"/> treats a step process that dies (configuration section <c>Steps</c>, the
/// names the Functions app's step runner uses too): a crash (killed by a signal) or a process over
/// <see cref="MemoryLimitMb"/> is retried after a growing backoff, at most <see cref="MaxAttempts"/> times in all.
/// A step that exits with its own error is not retried: it would fail the same way again.
/// </summary>
public sealed record ChildProcessLimits
{
    public const string Section = "Steps";

    /// <summary>Attempts per step, the first included.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before the first retry; each further retry waits <see cref="BackoffCoefficient"/> times longer, up to <see cref="MaxRetryInterval"/>.</summary>
    public TimeSpan FirstRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    public double BackoffCoefficient { get; set; } = 2;

    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Resident memory (MiB) a step process may use; above it the parent kills it and counts a crash. Null: no limit.</summary>
    public int? MemoryLimitMb { get; set; }

    /// <summary>How often the parent samples the child's resident memory when a limit is set.</summary>
    public TimeSpan MemoryPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The nice increment a step process starts with (0 = the host's own priority, 19 = the lowest): a training step takes
    /// every core, and at 10 the kernel still gives the host's request threads the CPU the moment they wake, so a server
    /// that trains keeps answering. It is applied by starting the step through <c>nice</c>; where there is none the step
    /// runs at the host's priority (a warning says so).
    /// </summary>
    public int Nice { get; set; } = 10;

    /// <summary>
    /// Compute steps (<see cref="StepNames.Compute"/>) whose processes run at once; the others wait their turn. One, like the
    /// in-process executor: each already uses every core, so more would only add their memory. Steps that only move data
    /// do not wait for it.
    /// </summary>
    public int MaxConcurrentComputeSteps { get; set; } = 1;

    /// <summary>The backoff before retry number <paramref name="retry"/> (1 = the first retry).</summary>
    public TimeSpan RetryDelay(int retry) =>
        TimeSpan.FromMilliseconds(Math.Min(FirstRetryInterval.TotalMilliseconds * Math.Pow(BackoffCoefficient, retry - 1), MaxRetryInterval.TotalMilliseconds));

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public ChildProcessLimits Validate()
    {
        if (MaxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, $"{Section}:MaxAttempts must be at least 1.");
        if (FirstRetryInterval < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(FirstRetryInterval), FirstRetryInterval, $"{Section}:FirstRetryInterval must not be negative.");
        if (BackoffCoefficient < 1) throw new ArgumentOutOfRangeException(nameof(BackoffCoefficient), BackoffCoefficient, $"{Section}:BackoffCoefficient must be at least 1.");
        if (MemoryLimitMb is <= 0) throw new ArgumentOutOfRangeException(nameof(MemoryLimitMb), MemoryLimitMb, $"{Section}:MemoryLimitMb must be positive.");
        if (Nice is < 0 or > 19) throw new ArgumentOutOfRangeException(nameof(Nice), Nice, $"{Section}:Nice must be from 0 (the host's priority) to 19 (the lowest).");
        if (MaxConcurrentComputeSteps < 1) throw new ArgumentOutOfRangeException(nameof(MaxConcurrentComputeSteps), MaxConcurrentComputeSteps, $"{Section}:MaxConcurrentComputeSteps must be at least 1.");
        if (MemoryPollInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MemoryPollInterval), MemoryPollInterval, $"{Section}:MemoryPollInterval must be positive.");
        return this;
    }
}

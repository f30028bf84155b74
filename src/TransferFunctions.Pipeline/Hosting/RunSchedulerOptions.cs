namespace TransferFunctions.Pipeline.Hosting;

/// <summary>Tuning of <see cref="RunScheduler"/>; the defaults suit a workstation with a few cores.</summary>
public sealed record RunSchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>
    /// How many runs execute at once, across projects (runs of one project always go one at a
    /// time). Training is CPU-bound, so more than the number of cores only slows each run down.
    /// </summary>
    public int MaxConcurrentRuns { get; set; } = 2;

    /// <summary>
    /// After a run cannot be taken because another runner holds its lease (for instance the lease
    /// left by a crashed process, which expires after <see cref="Orchestration.LocalRunnerOptions.LeaseDuration"/>),
    /// wait this long and try again.
    /// </summary>
    public TimeSpan ConflictRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Stop retrying a run held by another runner after this long (that runner is alive and will finish it), or one whose
    /// store keeps failing (it resumes at the next start); counted from the first of consecutive failed attempts
    /// (<see cref="RetryStreak"/>). Zero: such a run is not retried.
    /// </summary>
    public TimeSpan ConflictRetryLimit { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public RunSchedulerOptions Validate()
    {
        if (MaxConcurrentRuns < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentRuns), MaxConcurrentRuns, "RunSchedulerOptions.MaxConcurrentRuns must be at least 1.");
        }

        if (ConflictRetryDelay <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ConflictRetryDelay), ConflictRetryDelay, "RunSchedulerOptions.ConflictRetryDelay must be positive.");
        }

        if (ConflictRetryLimit < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ConflictRetryLimit), ConflictRetryLimit, "RunSchedulerOptions.ConflictRetryLimit must not be negative.");
        }

        return this;
    }
}

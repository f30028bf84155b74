namespace TransferFunctions.Functions.Steps;

/// <summary>
/// How the AdaptModel orchestration runs its steps (configuration section <c>Steps</c>, e.g.
/// <c>TF_Steps__Runner=container-job</c>). Read by orchestrator code, so it must not change while runs are in flight.
/// </summary>
public sealed class StepRunnerOptions
{
    public const string Section = "Steps";

    /// <summary><c>in-process</c>: each step is an activity of this app; <c>container-job</c>: a Container Apps job execution per step, monitored by durable timers.</summary>
    public string Runner { get; set; } = StepRunnerKinds.InProcess;

    /// <summary>Attempts per step, the first included (a failed attempt is retried after a backoff).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before the first retry; each further retry waits <see cref="BackoffCoefficient"/> times longer, up to <see cref="MaxRetryInterval"/>.</summary>
    public TimeSpan FirstRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    public double BackoffCoefficient { get; set; } = 2;

    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a container step's execution status is polled (a durable timer between polls).</summary>
    public TimeSpan ContainerPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one container step execution may run before it is stopped and counted as failed.</summary>
    public TimeSpan ContainerTimeout { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// How often a run waiting for its project's turn checks that the run ahead of it is still live; a run that ended
    /// without handing the turn on (purged, or terminated outside the API) is dropped from the queue then.
    /// </summary>
    public TimeSpan ProjectTurnRecheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting that is out of range.</summary>
    public StepRunnerOptions Validate()
    {
        if (Runner is not (StepRunnerKinds.InProcess or StepRunnerKinds.ContainerJob))
            throw new ArgumentException($"{Section}:Runner is '{Runner}': use '{StepRunnerKinds.InProcess}' or '{StepRunnerKinds.ContainerJob}'.");
        if (MaxAttempts < 1) throw new ArgumentException($"{Section}:MaxAttempts is {MaxAttempts}: at least 1.");
        if (FirstRetryInterval <= TimeSpan.Zero) throw new ArgumentException($"{Section}:FirstRetryInterval is {FirstRetryInterval}: it must be positive.");
        if (BackoffCoefficient < 1) throw new ArgumentException($"{Section}:BackoffCoefficient is {BackoffCoefficient}: at least 1.");
        if (MaxRetryInterval < FirstRetryInterval) throw new ArgumentException($"{Section}:MaxRetryInterval ({MaxRetryInterval}) is below FirstRetryInterval ({FirstRetryInterval}).");
        if (ContainerPollInterval <= TimeSpan.Zero) throw new ArgumentException($"{Section}:ContainerPollInterval is {ContainerPollInterval}: it must be positive.");
        if (ContainerTimeout < ContainerPollInterval) throw new ArgumentException($"{Section}:ContainerTimeout ({ContainerTimeout}) is below ContainerPollInterval ({ContainerPollInterval}).");
        if (ProjectTurnRecheckInterval <= TimeSpan.Zero) throw new ArgumentException($"{Section}:ProjectTurnRecheckInterval is {ProjectTurnRecheckInterval}: it must be positive.");
        return this;
    }

    /// <summary>The backoff before retry number <paramref name="retry"/> (1 = the first retry).</summary>
    public TimeSpan RetryDelay(int retry)
    {
        var delay = FirstRetryInterval.TotalMilliseconds * Math.Pow(BackoffCoefficient, retry - 1);
        return TimeSpan.FromMilliseconds(Math.Min(delay, MaxRetryInterval.TotalMilliseconds));
    }
}

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>
/// What an orchestrator may do, shaped like Durable Functions' <c>TaskOrchestrationContext</c> so
/// the same orchestrator runs on the local replay runner and on Durable Functions.
/// </summary>
/// <remarks>
/// Orchestrator code is replayed after a restart, so it must be deterministic: no I/O, no wall
/// clock, no randomness, no awaiting anything but the tasks this context returns. Everything
/// nondeterministic is a step. <c>Task.WhenAll</c> over several calls fans out.
/// </remarks>
public interface IOrchestrationContext
{
    /// <summary>The run this orchestration executes.</summary>
    string InstanceId { get; }

    /// <summary>True while the code re-executes journaled history (use it to avoid duplicate logging).</summary>
    bool IsReplaying { get; }

    /// <summary>The current time, replay-safe: recorded in the journal the first time, replayed afterwards.</summary>
    DateTime CurrentUtcDateTime { get; }

    /// <summary>
    /// Runs a step (an activity) with a JSON-serializable input and returns its JSON result as
    /// <typeparamref name="TResult"/>. A failed step throws <see cref="StepFailedException"/>.
    /// </summary>
    Task<TResult> CallStepAsync<TResult>(string name, object? input = null);

    /// <summary>Runs a step whose result is not needed.</summary>
    Task CallStepAsync(string name, object? input = null);

    /// <summary>
    /// Waits for an event raised for this run (events raised earlier are buffered and delivered in
    /// order). When <paramref name="timeout"/> passes first it throws <see cref="TimeoutException"/>
    /// (Durable Functions' isolated SDK throws <see cref="TaskCanceledException"/> there; its adapter
    /// translates, so orchestrators catch <see cref="TimeoutException"/> on both hosts).
    /// </summary>
    Task<T> WaitForExternalEventAsync<T>(string name, TimeSpan timeout);

    /// <summary>Waits for an event with no time limit.</summary>
    Task<T> WaitForExternalEventAsync<T>(string name);

    /// <summary>A durable timer firing at <paramref name="fireAt"/> (UTC); cancelling the token cancels the timer.</summary>
    Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    /// <summary>Publishes a JSON-serializable progress value in the run's status record.</summary>
    void SetCustomStatus(object? customStatus);
}

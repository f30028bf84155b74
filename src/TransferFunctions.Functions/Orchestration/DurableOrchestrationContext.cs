using System.Globalization;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using TransferFunctions.Functions.Containers;
using TransferFunctions.Functions.Steps;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Orchestration;

/// <summary>
/// The core's <see cref="IOrchestrationContext"/> over Durable Task's <see cref="TaskOrchestrationContext"/>,
/// so the very same orchestrator code runs on the local journaling runner and under Durable replay.
/// </summary>
/// <remarks>
/// Everything that crosses Durable's serializer is a <see cref="JsonElement"/> made with
/// <see cref="StoreJson"/>, so step documents, events and results keep the store's one JSON dialect on both hosts.
/// A step is the <see cref="DurableNames.RunStep"/> activity (with Durable's retry policy) or, with the
/// <c>container-job</c> runner, the <see cref="DurableNames.RunStepInContainer"/> sub-orchestration (retried here
/// with durable timers, each attempt its own instance).
/// </remarks>
public sealed class DurableOrchestrationContext : IOrchestrationContext
{
    private readonly TaskOrchestrationContext _context;
    private readonly StepRunnerOptions _options;
    private readonly ILogger _logger;
    private int _sequence;

    public DurableOrchestrationContext(TaskOrchestrationContext context, StepRunnerOptions options)
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        _logger = context.CreateReplaySafeLogger<DurableOrchestrationContext>();
    }

    public string InstanceId => _context.InstanceId;

    public bool IsReplaying => _context.IsReplaying;

    public DateTime CurrentUtcDateTime => _context.CurrentUtcDateTime;

    /// <summary>A logger that stays silent while the orchestrator replays history.</summary>
    public ILogger Logger => _logger;

    public async Task<TResult> CallStepAsync<TResult>(string name, object? input = null)
    {
        var output = await CallAsync(name, input);
        return StoreJson.FromElement<TResult>(output, $"The result of step '{name}'")!;
    }

    public Task CallStepAsync(string name, object? input = null) => CallAsync(name, input);

    public async Task<T> WaitForExternalEventAsync<T>(string name, TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan) return await WaitForExternalEventAsync<T>(name);
        try
        {
            var payload = await _context.WaitForExternalEvent<JsonElement>(name, timeout);
            return StoreJson.FromElement<T>(payload, $"Event '{name}' of run '{InstanceId}'")!;
        }
        catch (TaskCanceledException)
        {
            // The isolated SDK signals an event wait that timed out with TaskCanceledException; the core's contract is TimeoutException.
            throw new TimeoutException($"Event '{name}' was not raised for run '{InstanceId}' within {timeout}.");
        }
    }

    public async Task<T> WaitForExternalEventAsync<T>(string name)
    {
        var payload = await _context.WaitForExternalEvent<JsonElement>(name, CancellationToken.None);
        return StoreJson.FromElement<T>(payload, $"Event '{name}' of run '{InstanceId}'")!;
    }

    public Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken) => _context.CreateTimer(fireAt, cancellationToken);

    public void SetCustomStatus(object? customStatus) =>
        _context.SetCustomStatus(customStatus is null ? null : StoreJson.ToElement(customStatus));

    private async Task<JsonElement> CallAsync(string name, object? input)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        // Orchestrator code calls steps in the same order on every replay, so the counter names each call the same way each time.
        var invocation = new StepInvocation(InstanceId, name, ++_sequence, StoreJson.ToElement(input));
        _logger.LogInformation("Run {RunId} calls step {Step} (#{Sequence})", InstanceId, name, invocation.Sequence);
        try
        {
            return _options.Runner == StepRunnerKinds.ContainerJob
                ? await CallInContainerAsync(invocation)
                : await _context.CallActivityAsync<JsonElement>(DurableNames.RunStep, StoreJson.ToElement(invocation), TaskOptions.FromRetryPolicy(RetryPolicy()));
        }
        catch (TaskFailedException ex)
        {
            var cause = Innermost(ex.FailureDetails);
            _logger.LogWarning("Run {RunId} step {Step} failed: {ErrorType}: {Message}", InstanceId, name, cause.ErrorType, cause.ErrorMessage);
            throw new StepFailedException(name, new FailureDetails(ShortTypeName(cause.ErrorType), cause.ErrorMessage));
        }
    }

    private RetryPolicy RetryPolicy() =>
        new(_options.MaxAttempts, _options.FirstRetryInterval, _options.BackoffCoefficient, _options.MaxRetryInterval);

    private async Task<JsonElement> CallInContainerAsync(StepInvocation invocation)
    {
        var request = StoreJson.ToElement(new ContainerStepInput(invocation, _options.ContainerPollInterval, _options.ContainerTimeout));
        for (var attempt = 1; ; attempt++)
        {
            // One instance per attempt: a retried monitor starts a fresh execution and never meets its failed predecessor's history.
            var child = string.Create(CultureInfo.InvariantCulture, $"{InstanceId}:{invocation.Sequence:D3}-{invocation.StepName}:{attempt}");
            try
            {
                return await _context.CallSubOrchestratorAsync<JsonElement>(DurableNames.RunStepInContainer, request, new SubOrchestrationOptions((TaskRetryOptions?)null, child));
            }
            catch (TaskFailedException) when (attempt < _options.MaxAttempts)
            {
                var delay = _options.RetryDelay(attempt);
                _logger.LogWarning("Run {RunId} step {Step} attempt {Attempt} failed; retrying in {Delay}", InstanceId, invocation.StepName, attempt, delay);
                await _context.CreateTimer(_context.CurrentUtcDateTime + delay, CancellationToken.None);
            }
        }
    }

    private static TaskFailureDetails Innermost(TaskFailureDetails failure)
    {
        // A sub-orchestration's failure wraps the activity failure that caused it; the step's own error is the innermost one.
        while (failure.InnerFailure is { } inner) failure = inner;
        return failure;
    }

    private static string ShortTypeName(string errorType)
    {
        var dot = errorType.LastIndexOf('.');
        return dot >= 0 ? errorType[(dot + 1)..] : errorType;
    }
}

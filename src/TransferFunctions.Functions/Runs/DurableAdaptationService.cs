using System.Runtime.CompilerServices;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TransferFunctions.Azure.Jobs;
using TransferFunctions.Functions.Containers;
using TransferFunctions.Functions.Orchestration;
using TransferFunctions.Functions.Projects;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Orchestrators;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Runs;

/// <summary>
/// <see cref="IAdaptationService"/> on Durable Functions: a run is an <c>AdaptModel</c> orchestration instance whose
/// instance id is the run id; approve/reject raise <see cref="AdaptModelOrchestrator.ApprovalEvent"/>, cancel stops the
/// run's container executions and terminates it. Models are the store's registry, as on the local host.
/// </summary>
public sealed class DurableAdaptationService : IAdaptationService
{
    private static readonly OrchestrationRuntimeStatus[] AnyStatus = Enum.GetValues<OrchestrationRuntimeStatus>();

    private readonly DurableTaskClient _client;
    private readonly ProjectTurns _turns;
    private readonly IContainerStepLauncher? _launcher;
    private readonly ILogger _logger;
    private readonly AdaptationService _models;

    /// <param name="client">The Durable client of the calling function.</param>
    /// <param name="turns">Per-project run order.</param>
    /// <param name="core">The core's service, for what is the same on every host: resolving a request into a run input, and the model registry.</param>
    /// <param name="launcher">Stops a canceled run's container executions (the <c>container-job</c> runner); null with the in-process runner.</param>
    /// <param name="logger">Logs scheduling and cancellation.</param>
    public DurableAdaptationService(DurableTaskClient client, ProjectTurns turns, AdaptationService core, IContainerStepLauncher? launcher = null,
        ILogger<DurableAdaptationService>? logger = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _turns = turns ?? throw new ArgumentNullException(nameof(turns));
        _launcher = launcher;
        _logger = logger ?? NullLogger<DurableAdaptationService>.Instance;
        // Resolution and the registry half of the core's service; it never runs steps here.
        _models = core ?? throw new ArgumentNullException(nameof(core));
    }

    /// <summary>
    /// Schedules the run unless an instance with its id exists in any state (then returns that one unchanged), so a
    /// duplicate request or a replayed event never starts a run twice.
    /// </summary>
    public async Task<RunRecord> SubmitAsync(AdaptationRequest request, string? runId = null, CancellationToken cancellationToken = default)
    {
        var input = await _models.ResolveInputAsync(request, cancellationToken);
        var id = runId ?? Guid.NewGuid().ToString("N");
        RunKeys.ValidateInstanceId(id);
        if (await GetRunAsync(id, cancellationToken) is { } existing) return existing;
        try
        {
            var options = new Microsoft.DurableTask.StartOrchestrationOptions(id).WithDedupeStatuses(AnyStatus);
            await _client.ScheduleNewOrchestrationInstanceAsync(DurableNames.AdaptModel, StoreJson.ToElement(input), options, cancellationToken);
            _logger.LogInformation("Scheduled run {RunId} of project {Project}", id, input.Project);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Two submissions raced past the check above: the other one created it.
            if (await GetRunAsync(id, cancellationToken) is { } raced) return raced;
            throw;
        }

        return await GetRunAsync(id, cancellationToken) ?? throw new InvalidOperationException($"Run '{id}' was scheduled but Durable Functions does not know it.");
    }

    public async Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        var instance = await _client.GetInstanceAsync(runId, getInputsAndOutputs: true, cancellationToken);
        // Sub-orchestrations (container steps) share the task hub but are not runs.
        return instance is null || instance.Name != DurableNames.AdaptModel ? null : DurableRunRecords.ToRecord(instance);
    }

    public async IAsyncEnumerable<RunRecord> ListRunsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var runs = new List<RunRecord>();
        await foreach (var instance in _client.GetAllInstancesAsync(new OrchestrationQuery { FetchInputsAndOutputs = true }).WithCancellation(cancellationToken))
        {
            if (instance.Name == DurableNames.AdaptModel) runs.Add(DurableRunRecords.ToRecord(instance));
        }

        // The local host lists runs in instance id order; so does this one.
        foreach (var run in runs.OrderBy(r => r.InstanceId, StringComparer.Ordinal)) yield return run;
    }

    public async Task ApproveAsync(string runId, string? by = null, CancellationToken cancellationToken = default)
    {
        await RequireUnfinishedAsync(runId, AdaptModelOrchestrator.ApprovalEvent, cancellationToken);
        await _client.RaiseEventAsync(runId, AdaptModelOrchestrator.ApprovalEvent, StoreJson.ToElement(new ApprovalDecision(true, by, null)), cancellationToken);
    }

    public async Task RejectAsync(string runId, string? by = null, string? reason = null, CancellationToken cancellationToken = default)
    {
        await RequireUnfinishedAsync(runId, AdaptModelOrchestrator.ApprovalEvent, cancellationToken);
        var decision = new ApprovalDecision(false, by, reason ?? (by is null ? "rejected" : $"rejected by {by}"));
        await _client.RaiseEventAsync(runId, AdaptModelOrchestrator.ApprovalEvent, StoreJson.ToElement(decision), cancellationToken);
    }

    /// <summary>
    /// Stops the run's running container executions, terminates the run (its sub-orchestrations too) and hands its
    /// project's turn to the next run; returns the record as it is once Durable reports the termination (or after a few seconds).
    /// </summary>
    public async Task<RunRecord> CancelAsync(string runId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var run = await GetRunAsync(runId, cancellationToken) ?? throw new RunNotFoundException(runId);
        if (run.IsTerminal) return run;

        await StopContainerStepsAsync(runId, cancellationToken);
        await _client.TerminateInstanceAsync(runId, new TerminateInstanceOptions(reason, Recursive: true), cancellationToken);
        // A terminated orchestration runs no more of its code, so its turn is given back here.
        var project = StoreJson.FromElement<Pipeline.Steps.RunInput>(run.Input ?? default, $"The input of run '{runId}'")!.Project;
        var next = await _turns.ReleaseAsync(new ProjectTurnRequest(project, runId), cancellationToken);
        if (next is not null) await _client.RaiseEventAsync(next, DurableNames.ProjectTurnEvent, StoreJson.ToElement(runId), cancellationToken);

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            return await WaitForCompletionAsync(runId, null, limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return await GetRunAsync(runId, cancellationToken) ?? run;
        }
    }

    public IAsyncEnumerable<string> ListModelsAsync(CancellationToken cancellationToken = default) => _models.ListModelsAsync(cancellationToken);

    public Task<ModelSummary?> GetModelAsync(string name, CancellationToken cancellationToken = default) => _models.GetModelAsync(name, cancellationToken);

    public Task<ChampionMoveResult> RollbackAsync(string name, int? version, string reason, CancellationToken cancellationToken = default) =>
        _models.RollbackAsync(name, version, reason, cancellationToken);

    public async Task<RunRecord> WaitForCompletionAsync(string runId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } t) limit.CancelAfter(t);
        while (true)
        {
            var run = await GetRunAsync(runId, limit.Token) ?? throw new RunNotFoundException(runId);
            if (run.IsTerminal) return run;
            await Task.Delay(TimeSpan.FromMilliseconds(200), limit.Token);
        }
    }

    private async Task RequireUnfinishedAsync(string runId, string eventName, CancellationToken cancellationToken)
    {
        var run = await GetRunAsync(runId, cancellationToken) ?? throw new RunNotFoundException(runId);
        if (run.IsTerminal) throw new ConflictException($"Run '{runId}' is {run.Status}; event '{eventName}' can no longer be delivered.");
    }

    private async Task StopContainerStepsAsync(string runId, CancellationToken cancellationToken)
    {
        if (_launcher is null) return;
        var query = new OrchestrationQuery { InstanceIdPrefix = runId + ":", FetchInputsAndOutputs = true, Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending] };
        await foreach (var child in _client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (child.Name != DurableNames.RunStepInContainer || string.IsNullOrEmpty(child.SerializedCustomStatus)) continue;
            var progress = StoreJson.Deserialize<ContainerStepProgress>(System.Text.Encoding.UTF8.GetBytes(child.SerializedCustomStatus), child.InstanceId);
            _logger.LogInformation("Canceling run {RunId}: stopping execution {Execution} of step {Step}", runId, progress.Execution, progress.Step);
            await _launcher.StopAsync(progress.Execution, cancellationToken);
        }
    }
}

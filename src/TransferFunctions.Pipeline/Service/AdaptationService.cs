using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Observability;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Orchestrators;
using TransferFunctions.Pipeline.Promotion;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Service;

/// <summary>
/// The local implementation of <see cref="IAdaptationService"/>: runs live in the store, the
/// AdaptModel orchestrator executes on the journaling runner, and <see cref="RunAsync"/> executes or
/// resumes one run (hosts decide when: inline for the CLI, a scheduler for `transfer serve`).
/// Built once per host by <see cref="CoreServiceCollectionExtensions.AddTransferFunctionsCore"/>.
/// </summary>
public sealed class AdaptationService : IAdaptationService
{
    private readonly IObjectStore _store;
    private readonly OrchestrationClient _runs;
    private readonly ModelRegistry _registry;
    private readonly LocalOrchestrationRunner _runner;
    private readonly BaseModelResolver _bases;
    private readonly AdaptModelOrchestrator _orchestrator = new();
    private readonly IRunScheduler? _scheduler;
    private readonly LocalRunnerOptions _runnerOptions;
    private readonly ILogger _logger;

    /// <param name="store">Where data, runs and models live.</param>
    /// <param name="runs">The orchestration client over <paramref name="store"/>.</param>
    /// <param name="registry">The model registry over <paramref name="store"/>.</param>
    /// <param name="runner">Executes runs (journaling replay).</param>
    /// <param name="bases">Checks a request's base model reference at submission.</param>
    /// <param name="runnerOptions">Lease and polling settings (the project lease uses them too).</param>
    /// <param name="scheduler">Where submitted and answered runs go for execution; null leaves running to the caller (<see cref="RunAsync"/>).</param>
    /// <param name="logger">Run-level log; entries carry a <c>RunId</c> scope.</param>
    public AdaptationService(IObjectStore store, OrchestrationClient runs, ModelRegistry registry, LocalOrchestrationRunner runner, BaseModelResolver bases,
        LocalRunnerOptions runnerOptions, IRunScheduler? scheduler = null, ILogger<AdaptationService>? logger = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _runs = runs ?? throw new ArgumentNullException(nameof(runs));
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _runner = runner ?? throw new ArgumentNullException(nameof(runner));
        _bases = bases ?? throw new ArgumentNullException(nameof(bases));
        _runnerOptions = runnerOptions ?? throw new ArgumentNullException(nameof(runnerOptions));
        _scheduler = scheduler;
        _logger = logger ?? NullLogger<AdaptationService>.Instance;
    }

    public static string OrchestratorName => nameof(AdaptModelOrchestrator);

    /// <summary>The project's settings, or none.</summary>
    public async Task<ProjectSettings> SettingsForAsync(string project, CancellationToken cancellationToken)
    {
        var stored = await _store.ReadJsonAsync<ProjectSettings>(ProjectSettings.KeyOf(project), cancellationToken);
        return stored?.Value ?? new ProjectSettings();
    }

    /// <summary>Stores the project's settings (used by runs submitted afterwards).</summary>
    public Task SaveSettingsAsync(string project, ProjectSettings settings, CancellationToken cancellationToken) =>
        _store.WriteJsonAsync(ProjectSettings.KeyOf(ProjectNames.Validate(project)), settings, WriteCondition.Always, cancellationToken);

    /// <exception cref="InvalidRequestException">A field of the request is invalid (named in the message).</exception>
    public async Task<RunRecord> SubmitAsync(AdaptationRequest request, string? runId = null, CancellationToken cancellationToken = default)
    {
        var input = await ResolveInputAsync(request, cancellationToken);
        var record = await _runs.CreateRunAsync(OrchestratorName, input, runId, cancellationToken);
        _logger.LogInformation("Run {RunId} of project {Project} submitted by {RequestedBy} ({Strategy}, base {BaseModel})", record.InstanceId, input.Project, input.RequestedBy, input.Strategy, input.BaseModel);
        if (!record.IsTerminal) _scheduler?.Schedule(new ScheduledRun(record.InstanceId, input.Project));
        return record;
    }

    /// <summary>
    /// The orchestrator input of <paramref name="request"/>: what it leaves out comes from the project's settings, then
    /// the defaults. Every host resolves requests this way (the Durable Functions app too).
    /// </summary>
    /// <exception cref="InvalidRequestException">A field of the request is invalid (named in the message).</exception>
    public async Task<RunInput> ResolveInputAsync(AdaptationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            ProjectNames.Validate(request.Project);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidRequestException($"Field 'project' is invalid: {ex.Message}", ex);
        }

        if (request.Batch is { } batch) await RequireBatchAsync(request.Project, batch, cancellationToken);
        var settings = await SettingsForAsync(request.Project, cancellationToken);
        var policy = request.Policy ?? settings.Policy ?? PromotionPolicy.Default;
        var strategy = request.Strategy ?? settings.Strategy ?? "auto";
        if (!Learning.Strategies.StrategyRegistry.Names.Contains(strategy))
            throw new InvalidRequestException($"Field 'strategy' is '{strategy}': use one of {string.Join(", ", Learning.Strategies.StrategyRegistry.Names)}");
        var steps = request.Steps ?? settings.Steps;
        if (steps is <= 0) throw new InvalidRequestException($"Field 'steps' is {steps}: the training budget must be positive");
        // auto chooses the base too when the project names several candidates and the request names none: the validate
        // step ranks them (the first stands in until then).
        var candidates = request.BaseModel is null && strategy == Learning.Strategies.AutoStrategy.StrategyName && settings.CandidateBases is { Count: > 1 } named
            ? named.Distinct(StringComparer.Ordinal).ToList()
            : null;
        foreach (var candidate in candidates ?? []) _bases.CheckReference(candidate);
        var baseModel = request.BaseModel ?? (candidates is { Count: > 1 } ? candidates[0] : null) ?? settings.BaseModel ?? PipelineOptions.EmbeddedBase;
        _bases.CheckReference(baseModel);
        return new RunInput(request.Project, request.Batch, strategy, baseModel, policy, request.RequestedBy, request.Seed, steps, request.Device ?? settings.Device,
            candidates is { Count: > 1 } ? candidates : null);
    }

    /// <summary>
    /// A named batch must be one folder name that exists under the project's data, so a mistyped or hostile name
    /// (<c>../../etc</c>) is answered at submission instead of failing the run later.
    /// </summary>
    private async Task RequireBatchAsync(string project, string batch, CancellationToken cancellationToken)
    {
        if (!BatchNames.IsValid(project, batch))
            throw new InvalidRequestException($"Field 'batch' is '{batch}': a batch is one folder name under datasets/{project}/ (no '/', '\\', leading '.' or '..').");
        await foreach (var _ in _store.ListAsync($"datasets/{project}/{batch}/", cancellationToken))
            return;
        throw new NotFoundException($"Batch '{batch}' of project '{project}' does not exist (nothing under datasets/{project}/{batch}/).");
    }

    /// <summary>
    /// Executes the run, or resumes it from its journal after a crash or a park; returns its record afterwards: terminal,
    /// or <see cref="RunStatus.WaitingForEvent"/> when it parked waiting for approval (it holds nothing then). Runs of one
    /// project execute one after another across processes too: the run first waits for the project's lease
    /// (<see cref="ProjectLeaseKey"/>), so a promotion is always judged against the champion the previous run left. A run
    /// whose project lease is lost (its renewals failed and another holder took it) stops at once, before any promotion,
    /// waits for the lease again and resumes from its journal.
    /// </summary>
    /// <param name="runId">The run to execute.</param>
    /// <param name="cancellationToken">Stops the run like a crash; it resumes from its journal next time.</param>
    /// <param name="waiting">Told the current holder when another run of the project holds it at first.</param>
    public async Task<RunRecord> RunAsync(string runId, CancellationToken cancellationToken = default, Action<ObjectLease?>? waiting = null)
    {
        var record = await _runs.GetStatusAsync(runId, cancellationToken) ?? throw new RunNotFoundException(runId);
        if (record.IsTerminal) return record;
        var input = StoreJson.FromElement<RunInput>(record.Input ?? default, $"The input of run '{runId}'")!;
        using var scope = _logger.BeginScope(new Dictionary<string, object?> { ["RunId"] = runId, ["Project"] = input.Project });
        using var activity = PipelineTelemetry.Source.StartActivity("run " + input.Project, ActivityKind.Internal);
        activity?.SetTag(PipelineTelemetry.ProjectTag, input.Project);
        activity?.SetTag(PipelineTelemetry.RunTag, runId);
        while (true)
        {
            await using var project = await HeldLease.AcquireAsync(_store, ProjectLeaseKey(input.Project), $"{_runnerOptions.Owner} run {runId}",
                _runnerOptions.LeaseDuration, _runnerOptions.PollInterval, waiting, cancellationToken);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, project.LostToken);
            try
            {
                // Before any step starts, the project's lease is proven with the store, not only renewed in the background:
                // one broken meanwhile (an operator, another host) must stop the run before it promotes.
                var final = await _runner.RunAsync(_orchestrator, runId, project.ConfirmAsync, stop.Token);
                var outcome = final.Status == RunStatus.WaitingForEvent ? "parked" : final.Status.ToString().ToLowerInvariant();
                activity?.SetTag(PipelineTelemetry.OutcomeTag, OutcomeOf(final) ?? outcome);
                PipelineTelemetry.Runs.Add(1, new KeyValuePair<string, object?>(PipelineTelemetry.OutcomeTag, OutcomeOf(final) ?? outcome));
                return final;
            }
            catch (NonDeterministicOrchestrationException ex)
            {
                // The runner marked the run Failed with the reason (e.g. a journal an older version recorded): an ended run, not a host fault.
                _logger.LogWarning("Run {RunId} cannot resume: {Reason}", runId, ex.Message);
                PipelineTelemetry.Runs.Add(1, new KeyValuePair<string, object?>(PipelineTelemetry.OutcomeTag, "failed"));
                return await _runs.GetStatusAsync(runId, cancellationToken) ?? throw new RunNotFoundException(runId);
            }
            catch (OperationCanceledException) when (project.Lost && !cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning("Run {RunId} lost the lease of project {Project}; stopped before going further, waiting for the lease to resume", runId, input.Project);
            }
        }
    }

    private static string? OutcomeOf(RunRecord run) =>
        run.Output is { ValueKind: System.Text.Json.JsonValueKind.Object } o && o.TryGetProperty("outcome", out var v) ? v.GetString() : null;

    /// <summary>The key whose lease a run of <paramref name="project"/> holds while it executes.</summary>
    public static string ProjectLeaseKey(string project) => $"projects/{ProjectNames.Validate(project)}/active-run";

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default) => _runs.GetStatusAsync(runId, cancellationToken);

    public IAsyncEnumerable<RunRecord> ListRunsAsync(CancellationToken cancellationToken = default) => _runs.ListRunsAsync(cancellationToken);

    public async Task ApproveAsync(string runId, string? by = null, CancellationToken cancellationToken = default)
    {
        await _runs.RaiseEventAsync(runId, AdaptModelOrchestrator.ApprovalEvent, new ApprovalDecision(true, by, null), cancellationToken);
        await WakeAsync(runId, cancellationToken);
    }

    public async Task RejectAsync(string runId, string? by = null, string? reason = null, CancellationToken cancellationToken = default)
    {
        await _runs.RaiseEventAsync(runId, AdaptModelOrchestrator.ApprovalEvent, new ApprovalDecision(false, by, reason ?? (by is null ? "rejected" : $"rejected by {by}")), cancellationToken);
        await WakeAsync(runId, cancellationToken);
    }

    /// <summary>A parked run holds nothing: the one who raised its event hands it to the scheduler.</summary>
    private async Task WakeAsync(string runId, CancellationToken cancellationToken)
    {
        if (_scheduler is null) return;
        if (await _runs.GetStatusAsync(runId, cancellationToken) is { IsTerminal: false } run) _scheduler.Schedule(ScheduledRun.FromRecord(run));
    }

    public Task<RunRecord> CancelAsync(string runId, string reason, CancellationToken cancellationToken = default) => _runs.CancelAsync(runId, reason, cancellationToken);

    public async IAsyncEnumerable<string> ListModelsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var name in await _registry.ListModelsAsync(cancellationToken)) yield return name;
    }

    public async Task<ModelSummary?> GetModelAsync(string name, CancellationToken cancellationToken = default)
    {
        var versions = await _registry.ListVersionsAsync(name, cancellationToken);
        if (versions.Count == 0) return null;
        var champion = await _registry.GetChampionAsync(name, cancellationToken);
        return new ModelSummary(name, versions, champion?.Value);
    }

    public Task<ChampionMoveResult> RollbackAsync(string name, int? version, string reason, CancellationToken cancellationToken = default) =>
        _registry.RollbackAsync(name, version, reason, cancellationToken);

    public async Task<RunRecord> WaitForCompletionAsync(string runId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } t) limit.CancelAfter(t);
        while (true)
        {
            RunRecord? run;
            try
            {
                run = await _runs.GetStatusAsync(runId, limit.Token) ?? throw new RunNotFoundException(runId);
            }
            catch (IOException ex)
            {
                // The store did not answer (after its client's retries): the run may well ride the outage out, so the
                // waiter does too, until its timeout.
                _logger.LogInformation("Waiting for run {RunId}: the store did not answer ({Message}); asking again", runId, ex.Message);
                run = null;
            }

            if (run is { IsTerminal: true }) return run;
            await Task.Delay(TimeSpan.FromMilliseconds(200), limit.Token);
        }
    }
}

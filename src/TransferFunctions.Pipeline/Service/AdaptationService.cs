using System.Runtime.CompilerServices;
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
/// </summary>
public sealed class AdaptationService : IAdaptationService
{
    private readonly IObjectStore _store;
    private readonly OrchestrationClient _runs;
    private readonly ModelRegistry _registry;
    private readonly LocalOrchestrationRunner _runner;
    private readonly AdaptModelOrchestrator _orchestrator = new();
    private readonly Action<string>? _schedule;
    private readonly LocalRunnerOptions _runnerOptions;

    /// <param name="store">Where data, runs and models live.</param>
    /// <param name="executor">Runs the steps (in-process by default; a child-process executor isolates them).</param>
    /// <param name="schedule">Called with a run id after submission; null leaves running to the caller (<see cref="RunAsync"/>).</param>
    /// <param name="runnerOptions">Lease and polling settings of the journaling runner.</param>
    /// <param name="time">Clock for records and leases (tests pass a controllable one).</param>
    public AdaptationService(IObjectStore store, IStepExecutor executor, Action<string>? schedule = null, LocalRunnerOptions? runnerOptions = null, TimeProvider? time = null)
    {
        _store = store;
        _runs = new OrchestrationClient(store, time);
        _registry = new ModelRegistry(store, time);
        _runnerOptions = runnerOptions ?? new LocalRunnerOptions();
        _runner = new LocalOrchestrationRunner(store, executor, _runnerOptions, time);
        _schedule = schedule;
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

    public async Task<RunRecord> SubmitAsync(AdaptationRequest request, string? runId = null, CancellationToken cancellationToken = default)
    {
        var input = await ResolveInputAsync(_store, request, cancellationToken);
        var record = await _runs.CreateRunAsync(OrchestratorName, input, runId, cancellationToken);
        _schedule?.Invoke(record.InstanceId);
        return record;
    }

    /// <summary>
    /// The orchestrator input of <paramref name="request"/>: what it leaves out comes from the project's
    /// settings, then the defaults; an invalid project, strategy or budget throws <see cref="ArgumentException"/>.
    /// Every host resolves requests this way (the Durable Functions app too).
    /// </summary>
    public static async Task<RunInput> ResolveInputAsync(IObjectStore store, AdaptationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ProjectNames.Validate(request.Project);
        var settings = (await store.ReadJsonAsync<ProjectSettings>(ProjectSettings.KeyOf(request.Project), cancellationToken))?.Value ?? new ProjectSettings();
        var policy = request.Policy ?? settings.Policy ?? PromotionPolicy.Default;
        var strategy = request.Strategy ?? settings.Strategy ?? "auto";
        if (!TransferFunctions.Learning.Strategies.StrategyRegistry.Names.Contains(strategy))
            throw new ArgumentException($"unknown strategy '{strategy}': use one of {string.Join(", ", TransferFunctions.Learning.Strategies.StrategyRegistry.Names)}");
        var steps = request.Steps ?? settings.Steps;
        if (steps is <= 0) throw new ArgumentException("steps must be positive");
        return new RunInput(request.Project, request.Batch, strategy, request.BaseModel ?? settings.BaseModel ?? PipelineOptions.EmbeddedBase, policy, request.RequestedBy, request.Seed, steps, request.Device ?? settings.Device);
    }

    /// <summary>
    /// Executes the run, or resumes it from its journal after a crash; returns its final record. Runs of one project
    /// execute one after another across processes too: the run first waits for the project's lease
    /// (<see cref="ProjectLeaseKey"/>), so a promotion is always judged against the champion the previous run left.
    /// </summary>
    /// <param name="runId">The run to execute.</param>
    /// <param name="cancellationToken">Stops the run like a crash; it resumes from its journal next time.</param>
    /// <param name="waiting">Told the current holder when another run of the project holds it at first.</param>
    public async Task<RunRecord> RunAsync(string runId, CancellationToken cancellationToken = default, Action<ObjectLease?>? waiting = null)
    {
        var record = await _runs.GetStatusAsync(runId, cancellationToken) ?? throw new RunNotFoundException(runId);
        if (record.IsTerminal) return record;
        var input = StoreJson.FromElement<RunInput>(record.Input ?? default, $"The input of run '{runId}'")!;
        await using var project = await HeldLease.AcquireAsync(_store, ProjectLeaseKey(input.Project), $"{_runnerOptions.Owner} run {runId}",
            _runnerOptions.LeaseDuration, _runnerOptions.PollInterval, waiting, cancellationToken);
        return await _runner.RunAsync(_orchestrator, runId, cancellationToken);
    }

    /// <summary>The key whose lease a run of <paramref name="project"/> holds while it executes.</summary>
    public static string ProjectLeaseKey(string project) => $"projects/{ProjectNames.Validate(project)}/active-run";

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default) => _runs.GetStatusAsync(runId, cancellationToken);

    public IAsyncEnumerable<RunRecord> ListRunsAsync(CancellationToken cancellationToken = default) => _runs.ListRunsAsync(cancellationToken);

    public Task ApproveAsync(string runId, string? by = null, CancellationToken cancellationToken = default) =>
        _runs.RaiseEventAsync(runId, AdaptModelOrchestrator.ApprovalEvent, new ApprovalDecision(true, by, null), cancellationToken);

    public Task RejectAsync(string runId, string? by = null, string? reason = null, CancellationToken cancellationToken = default) =>
        _runs.RaiseEventAsync(runId, AdaptModelOrchestrator.ApprovalEvent, new ApprovalDecision(false, by, reason ?? (by is null ? "rejected" : $"rejected by {by}")), cancellationToken);

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
            var run = await _runs.GetStatusAsync(runId, limit.Token) ?? throw new RunNotFoundException(runId);
            if (run.IsTerminal) return run;
            await Task.Delay(TimeSpan.FromMilliseconds(200), limit.Token);
        }
    }
}

using System.Runtime.CompilerServices;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;

namespace TransferFunctions.Pipeline.Tests.TestSupport;

/// <summary>
/// <see cref="IAdaptationService"/> over the real orchestration client, registry and scheduler, running
/// <see cref="SmallAdaptOrchestrator"/>: what the hosts need, while the real AdaptModel pipeline is written.
/// </summary>
public sealed class SmallAdaptationService(OrchestrationClient client, ModelRegistry registry, IRunScheduler scheduler) : IAdaptationService
{
    public static readonly string OrchestratorName = nameof(SmallAdaptOrchestrator);

    public async Task<RunRecord> SubmitAsync(AdaptationRequest request, string? runId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ProjectNames.Validate(request.Project);
        var run = await client.CreateRunAsync(OrchestratorName, request, runId, cancellationToken);
        if (!run.IsTerminal)
        {
            scheduler.Schedule(ScheduledRun.FromRecord(run));
        }

        return run;
    }

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default) => client.GetStatusAsync(runId, cancellationToken);

    public IAsyncEnumerable<RunRecord> ListRunsAsync(CancellationToken cancellationToken = default) => client.ListRunsAsync(cancellationToken);

    public Task ApproveAsync(string runId, string? by = null, CancellationToken cancellationToken = default) =>
        client.RaiseEventAsync(runId, SmallAdaptOrchestrator.ApprovalEvent, new ApprovalDecision(true, by, null), cancellationToken);

    public Task RejectAsync(string runId, string? by = null, string? reason = null, CancellationToken cancellationToken = default) =>
        client.RaiseEventAsync(runId, SmallAdaptOrchestrator.ApprovalEvent, new ApprovalDecision(false, by, reason), cancellationToken);

    public Task<RunRecord> CancelAsync(string runId, string reason, CancellationToken cancellationToken = default) => client.CancelAsync(runId, reason, cancellationToken);

    public async IAsyncEnumerable<string> ListModelsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var name in await registry.ListModelsAsync(cancellationToken))
        {
            yield return name;
        }
    }

    public async Task<ModelSummary?> GetModelAsync(string name, CancellationToken cancellationToken = default)
    {
        var versions = await registry.ListVersionsAsync(name, cancellationToken);
        var champion = await registry.GetChampionAsync(name, cancellationToken);
        return versions.Count == 0 && champion is null ? null : new ModelSummary(name, versions, champion?.Value);
    }

    public Task<ChampionMoveResult> RollbackAsync(string name, int? version, string reason, CancellationToken cancellationToken = default) =>
        registry.RollbackAsync(name, version, reason, cancellationToken);

    public async Task<RunRecord> WaitForCompletionAsync(string runId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromMinutes(1));
        while (true)
        {
            var run = await client.GetStatusAsync(runId, limit.Token) ?? throw new RunNotFoundException(runId);
            if (run.IsTerminal)
            {
                return run;
            }

            await Task.Delay(25, limit.Token);
        }
    }
}

using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Registry;

namespace TransferFunctions.Pipeline.Service;

/// <summary>
/// What hosts (CLI, <c>transfer serve</c>, the Azure Functions app) do with the pipeline. Hosts only
/// translate their inputs into these calls and the results into their outputs.
/// </summary>
public interface IAdaptationService
{
    /// <summary>
    /// Creates the run (idempotent: the same <paramref name="runId"/> returns the existing run) and
    /// schedules it. A null id gets a fresh one.
    /// </summary>
    Task<RunRecord> SubmitAsync(AdaptationRequest request, string? runId = null, CancellationToken cancellationToken = default);

    Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    IAsyncEnumerable<RunRecord> ListRunsAsync(CancellationToken cancellationToken = default);

    /// <summary>Completes a run that waits for human approval (no effect on runs that do not wait).</summary>
    Task ApproveAsync(string runId, string? by = null, CancellationToken cancellationToken = default);

    Task RejectAsync(string runId, string? by = null, string? reason = null, CancellationToken cancellationToken = default);

    Task<RunRecord> CancelAsync(string runId, string reason, CancellationToken cancellationToken = default);

    IAsyncEnumerable<string> ListModelsAsync(CancellationToken cancellationToken = default);

    Task<ModelSummary?> GetModelAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Moves the champion back to the previous one (or to <paramref name="version"/>); <c>Moved</c> false when there is nothing to roll back to.</summary>
    Task<ChampionMoveResult> RollbackAsync(string name, int? version, string reason, CancellationToken cancellationToken = default);

    /// <summary>Waits until the run reaches a terminal state (polling the store); for CLIs and tests.</summary>
    Task<RunRecord> WaitForCompletionAsync(string runId, TimeSpan? timeout = null, CancellationToken cancellationToken = default);
}

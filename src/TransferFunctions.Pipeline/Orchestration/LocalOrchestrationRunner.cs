using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>
/// Executes runs on this machine with a journaling replay: every step result, event, timer and
/// clock read is journaled in the store (append-only segments <c>runs/{id}/journal/{first:D8}.json</c>)
/// before the orchestrator sees it,
/// so a runner started again after a crash replays the journal, never re-executes a journaled
/// step, and continues at the first unfinished one. One runner at a time holds a run (a lease).
/// </summary>
public sealed class LocalOrchestrationRunner
{
    private readonly IObjectStore _store;
    private readonly IStepExecutor _executor;
    private readonly TimeProvider _time;
    private readonly LocalRunnerOptions _options;
    private readonly ILogger _logger;

    public LocalOrchestrationRunner(IObjectStore store, IStepExecutor executor, LocalRunnerOptions? options = null, TimeProvider? timeProvider = null, ILogger<LocalOrchestrationRunner>? logger = null)
    {
        _logger = logger ?? NullLogger<LocalOrchestrationRunner>.Instance;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _executor = executor ?? throw new ArgumentNullException(nameof(executor));
        _options = options ?? new LocalRunnerOptions();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The name under which runs of <paramref name="orchestrator"/> are created (its class name).</summary>
    public static string NameOf<TInput, TOutput>(IOrchestrator<TInput, TOutput> orchestrator) => orchestrator.GetType().Name;

    /// <summary>
    /// Runs (or resumes) the run until it completes, fails or is canceled, and returns its final
    /// record. A run that is already finished is returned as it is. Cancelling
    /// <paramref name="cancellationToken"/> stops this runner like a crash would: the run stays
    /// Running and resumes when started again.
    /// </summary>
    /// <exception cref="RunNotFoundException">No such run.</exception>
    /// <exception cref="RunConflictException">Another runner holds the run.</exception>
    /// <exception cref="NonDeterministicOrchestrationException">The orchestrator diverged from its journal (the run is marked Failed).</exception>
    public Task<RunRecord> RunAsync<TInput, TOutput>(IOrchestrator<TInput, TOutput> orchestrator, string instanceId, CancellationToken cancellationToken = default) =>
        RunAsync(orchestrator, instanceId, confirmHeld: null, cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync{TInput, TOutput}(IOrchestrator{TInput, TOutput}, string, CancellationToken)"/>, and before
    /// starting steps (after proving the run's own lease) awaits <paramref name="confirmHeld"/>, which throws when
    /// something else the caller holds for the run (the project's lease) is lost, so no step starts without it.
    /// </summary>
    public async Task<RunRecord> RunAsync<TInput, TOutput>(IOrchestrator<TInput, TOutput> orchestrator, string instanceId, Func<CancellationToken, Task>? confirmHeld,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(orchestrator);
        var recordKey = RunKeys.Record(instanceId);
        var record = await _store.ReadJsonAsync<RunRecord>(recordKey, cancellationToken).ConfigureAwait(false)
            ?? throw new RunNotFoundException(instanceId);
        if (record.Value.IsTerminal)
        {
            return record.Value;
        }

        var name = NameOf(orchestrator);
        if (record.Value.Orchestrator != name)
        {
            throw new InvalidOperationException($"Run '{instanceId}' belongs to orchestrator '{record.Value.Orchestrator}', not '{name}'.");
        }

        var lease = await _store.AcquireLeaseAsync(RunKeys.Lease(instanceId), _options.LeaseDuration, _options.Owner, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            var holder = await _store.GetLeaseAsync(RunKeys.Lease(instanceId), cancellationToken).ConfigureAwait(false);
            throw new RunConflictException(instanceId, $"another runner ({holder?.Owner ?? "unknown"}) is executing it until {holder?.ExpiresAt:O} at least.");
        }

        try
        {
            // Re-read under the lease: the record may have changed between the first read and the lease.
            record = await _store.ReadJsonAsync<RunRecord>(recordKey, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(instanceId);
            if (record.Value.IsTerminal)
            {
                return record.Value;
            }

            var input = StoreJson.FromElement<TInput>(record.Value.Input ?? default, $"The input of run '{instanceId}'")!;
            try
            {
                // A journal that cannot be replayed safely (a damaged, missing or doubled segment) fails the run with the reason.
                var journal = await RunJournalStore.ReadAsync(_store, instanceId, cancellationToken).ConfigureAwait(false);
                var session = new OrchestrationSession(record, journal, lease, _store, _executor, _time, _options, _logger, cancellationToken, confirmHeld);
                var final = await session.RunAsync(
                    async context => StoreJson.ToElement(await orchestrator.RunAsync(context, input)),
                    cancellationToken).ConfigureAwait(false);
                _logger.LogInformation("Run {InstanceId} ended {Status}{Detail}", instanceId, final.Status, final.Failure is null ? "" : ": " + final.Failure.Message);
                return final;
            }
            catch (Exception ex) when (ex is NonDeterministicOrchestrationException or InvalidDataException)
            {
                _logger.LogError(ex, "Run {InstanceId} cannot continue", instanceId);
                await _store.UpdateJsonAsync<RunRecord>(
                    recordKey,
                    r => r is null || r.IsTerminal ? null : r with { Status = RunStatus.Failed, Failure = FailureDetails.From(ex), UpdatedAt = _time.GetUtcNow() },
                    CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            // A runner that is stopped releases its lease so a successor resumes at once; a killed one
            // does not, and its successor waits for the lease to expire.
            await _store.ReleaseLeaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }
    }
}

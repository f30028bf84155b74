using System.Runtime.CompilerServices;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>
/// Creates, signals, cancels and queries runs through the store alone (Durable's client role), so
/// an HTTP host or a CLI can act on runs whether or not a runner is executing them right now.
/// </summary>
public sealed class OrchestrationClient
{
    private static readonly TimeSpan CancelLeaseDuration = TimeSpan.FromSeconds(15);

    private readonly IObjectStore _store;
    private readonly TimeProvider _time;

    public OrchestrationClient(IObjectStore store, TimeProvider? timeProvider = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Creates a Pending run (create-only). When a run with <paramref name="instanceId"/> exists
    /// already, returns it unchanged, so a trigger that fires twice for one batch starts one run.
    /// </summary>
    public async Task<RunRecord> CreateRunAsync<TInput>(string orchestrator, TInput input, string? instanceId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestrator);
        instanceId ??= Guid.NewGuid().ToString("N");
        var key = RunKeys.Record(instanceId);
        var now = _time.GetUtcNow();
        var record = new RunRecord(instanceId, orchestrator, RunStatus.Pending, now, now, StoreJson.ToElement(input), null, null, null, null, []);
        try
        {
            return (await _store.WriteJsonAsync(key, record, WriteCondition.CreateOnly, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (PreconditionFailedException)
        {
            return (await _store.ReadJsonAsync<RunRecord>(key, cancellationToken).ConfigureAwait(false))?.Value
                ?? throw new RunConflictException(instanceId, "its run.json was deleted while it was being created.");
        }
    }

    /// <summary>
    /// Raises an event for a run. It is persisted in the run's inbox and delivered to the first
    /// <see cref="IOrchestrationContext.WaitForExternalEventAsync{T}(string, TimeSpan)"/> for
    /// <paramref name="eventName"/>, even one that starts waiting later or after a restart.
    /// </summary>
    public async Task RaiseEventAsync<T>(string instanceId, string eventName, T payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var run = await GetStatusAsync(instanceId, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(instanceId);
        if (run.IsTerminal)
        {
            throw new Api.ConflictException($"Run '{instanceId}' is {run.Status}; event '{eventName}' can no longer be delivered.");
        }

        var raisedAt = _time.GetUtcNow();
        await _store.WriteJsonAsync(RunKeys.NewEvent(instanceId, raisedAt), new RunEvent(eventName, StoreJson.ToElement(payload), raisedAt), WriteCondition.CreateOnly, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Requests cancellation. A run no runner holds is marked Canceled at once; a running one is
    /// canceled by its runner within one poll interval (its running steps are cancelled too).
    /// Returns the run record as it is afterwards.
    /// </summary>
    public async Task<RunRecord> CancelAsync(string instanceId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var run = await GetStatusAsync(instanceId, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(instanceId);
        if (run.IsTerminal)
        {
            return run;
        }

        await _store.WriteJsonAsync(RunKeys.Cancellation(instanceId), new CancellationRequest(reason, _time.GetUtcNow()), WriteCondition.Always, cancellationToken).ConfigureAwait(false);
        var lease = await _store.AcquireLeaseAsync(RunKeys.Lease(instanceId), CancelLeaseDuration, "cancel request", cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            return run;
        }

        try
        {
            var updated = await _store.UpdateJsonAsync<RunRecord>(
                RunKeys.Record(instanceId),
                r => r is null || r.IsTerminal ? null : r with { Status = RunStatus.Canceled, CancellationReason = reason, UpdatedAt = _time.GetUtcNow() },
                cancellationToken).ConfigureAwait(false);
            return updated?.Value ?? run;
        }
        finally
        {
            await _store.ReleaseLeaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The run's status record, or null when no such run exists. A run.json that cannot be read as a record (truncated,
    /// overwritten) is shown as a Failed run saying so, so one damaged run neither hides nor stops the others.
    /// </summary>
    public async Task<RunRecord?> GetStatusAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await _store.ReadJsonAsync<RunRecord>(RunKeys.Record(instanceId), cancellationToken).ConfigureAwait(false))?.Value;
        }
        catch (InvalidDataException ex)
        {
            return CorruptRecord(instanceId, ex);
        }
    }

    /// <summary>What a run whose record is unreadable looks like: Failed, with the reason; the damaged bytes stay in the store for inspection.</summary>
    public static RunRecord CorruptRecord(string instanceId, InvalidDataException error) =>
        new(instanceId, "unknown", RunStatus.Failed, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, null, null,
            new FailureDetails("CorruptRunRecord", $"The run record {RunKeys.Record(instanceId)} is unreadable, so the run cannot continue: {error.Message}"), null, []);

    /// <summary>
    /// The run's replay journal, its segments concatenated (or an older version's single document), or null before its
    /// first completed operation.
    /// </summary>
    /// <exception cref="InvalidDataException">A segment is unreadable, or the segments do not tile the journal.</exception>
    public async Task<RunJournal?> GetJournalAsync(string instanceId, CancellationToken cancellationToken = default) =>
        (await RunJournalStore.ReadAsync(_store, instanceId, cancellationToken).ConfigureAwait(false))?.Journal;

    /// <summary>Every run's status record, in instance id order.</summary>
    public async IAsyncEnumerable<RunRecord> ListRunsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in _store.ListAsync(RunKeys.Root, cancellationToken).ConfigureAwait(false))
        {
            var segments = item.Key.Split('/');
            if (segments.Length != 3 || segments[2] != "run.json")
            {
                continue;
            }

            StoredValue<RunRecord>? record = null;
            InvalidDataException? damaged = null;
            try
            {
                record = await _store.ReadJsonAsync<RunRecord>(item.Key, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                damaged = ex;
            }

            if (damaged is not null)
            {
                yield return CorruptRecord(segments[1], damaged);
            }
            else if (record is not null)
            {
                yield return record.Value;
            }
        }
    }
}

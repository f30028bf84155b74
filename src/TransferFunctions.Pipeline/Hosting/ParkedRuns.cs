using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Pipeline.Hosting;

/// <summary>
/// Runs parked waiting for an event (approval) or a timer: they hold no scheduler slot and no lease. This host hands one
/// back to the scheduler when its deadline passes or when its inbox has an event it has not consumed (raised through
/// this host, which schedules it at once, or by another process such as <c>transfer approve</c>).
/// </summary>
public sealed class ParkedRuns
{
    private readonly OrchestrationClient _runs;
    private readonly Storage.IObjectStore _store;
    private readonly IRunScheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Parked> _parked = new(StringComparer.Ordinal);

    public ParkedRuns(OrchestrationClient runs, Storage.IObjectStore store, IRunScheduler scheduler, TimeProvider? time = null, ILogger<ParkedRuns>? logger = null)
    {
        _runs = runs ?? throw new ArgumentNullException(nameof(runs));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<ParkedRuns>.Instance;
    }

    /// <summary>How often the inboxes of parked runs are looked at for events raised by other processes.</summary>
    public TimeSpan InboxInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Parked runs right now.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _parked.Count;
        }
    }

    /// <summary>Remembers a run that parked (status <see cref="RunStatus.WaitingForEvent"/>, holding nothing).</summary>
    public void Park(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate) _parked[run.InstanceId] = new Parked(ScheduledRun.FromRecord(run), run.WakeAt);
    }

    /// <summary>Forgets a run (it is executing again, or it ended).</summary>
    public void Remove(string runId)
    {
        lock (_gate) _parked.Remove(runId);
    }

    /// <summary>Hands due runs and runs with unconsumed events back to the scheduler until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var nextInbox = DateTimeOffset.MinValue;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            List<Parked> all;
            lock (_gate) all = _parked.Values.ToList();
            var checkInbox = now >= nextInbox;
            if (checkInbox) nextInbox = now + InboxInterval;
            foreach (var parked in all)
            {
                try
                {
                    var due = parked.WakeAt is { } wake && wake <= now;
                    var why = due ? "its deadline passed" : checkInbox ? await WakeReasonAsync(parked.Run.RunId, cancellationToken).ConfigureAwait(false) : null;
                    if (why is not null)
                    {
                        Remove(parked.Run.RunId);
                        _logger.LogInformation("Parked run {RunId} wakes: {Why}", parked.Run.RunId, why);
                        _scheduler.Schedule(parked.Run);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.LogWarning(ex, "Parked run {RunId} could not be checked; trying again", parked.Run.RunId);
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Why a parked run must execute again, or null. A cancellation request counts: one written while the run's runner
    /// still held the lease (in the instant before it parked) is otherwise read by no one until the run's deadline.
    /// </summary>
    private async Task<string?> WakeReasonAsync(string runId, CancellationToken cancellationToken)
    {
        if (await _store.GetPropertiesAsync(RunKeys.Cancellation(runId), cancellationToken).ConfigureAwait(false) is not null) return "a cancellation was requested";
        return await HasUnconsumedEventAsync(runId, cancellationToken).ConfigureAwait(false) ? "an event arrived" : null;
    }

    private async Task<bool> HasUnconsumedEventAsync(string runId, CancellationToken cancellationToken)
    {
        var events = new List<string>();
        await foreach (var item in _store.ListAsync(RunKeys.EventsPrefix(runId), cancellationToken).ConfigureAwait(false)) events.Add(item.Key);
        if (events.Count == 0) return false;
        var journal = await _runs.GetJournalAsync(runId, cancellationToken).ConfigureAwait(false);
        var consumed = journal?.Entries.Where(e => e.EventKey is not null).Select(e => e.EventKey!).ToHashSet(StringComparer.Ordinal) ?? [];
        return events.Any(e => !consumed.Contains(e));
    }

    private sealed record Parked(ScheduledRun Run, DateTimeOffset? WakeAt);
}

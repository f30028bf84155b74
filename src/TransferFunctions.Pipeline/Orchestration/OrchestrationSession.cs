using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>
/// One execution of one run by the local runner: replays the journal into the orchestrator, then
/// executes what is new, journaling every completion before the orchestrator sees it.
/// </summary>
/// <remarks>
/// Each call the orchestrator makes gets the next sequence number. Completions are delivered one at
/// a time through <see cref="OrchestrationSynchronizationContext"/>, and the journal keeps them in
/// delivery order, so a replay feeds the same results in the same order and the orchestrator makes
/// the same calls with the same numbers. A journal entry is persisted before it is delivered, so
/// anything the orchestrator did because of it can be reproduced after a crash. Each persist appends
/// the entries new since the last one as one create-only segment (<see cref="RunJournalStore"/>), so
/// a runner that lost the run to another cannot append at the same position: it gets a conflict.
/// </remarks>
internal sealed class OrchestrationSession : IOrchestrationContext
{
    private const string ClockName = "clock";
    private const string TimerName = "timer";

    private readonly string _instanceId;
    private readonly IObjectStore _store;
    private readonly IStepExecutor _executor;
    private readonly TimeProvider _time;
    private readonly LocalRunnerOptions _options;
    private readonly ILogger _logger;
    private readonly OrchestrationSynchronizationContext _sync = new();
    private readonly Channel<JournalEntry> _stepCompletions = Channel.CreateUnbounded<JournalEntry>();
    private readonly Dictionary<int, JournalEntry> _journaledBySequence;
    private readonly List<JournalEntry> _journal;
    private readonly HashSet<string> _consumedEventKeys;
    private readonly Dictionary<int, PendingOperation> _pending = new();
    private readonly CancellationTokenSource _stepCancellation;
    private int _persistedCount;
    private string? _legacyJournalETag;
    private readonly string? _journalVersion;
    private int _nextSequence;
    private bool _replaying;
    private Exception? _fatal;
    private JsonElement? _customStatus;
    private ObjectLease _lease;
    private RunRecord _record;
    private string _recordETag;
    private DateTimeOffset _nextPoll = DateTimeOffset.MinValue;

    /// <summary>Proves whatever else the host holds for this run (the project's lease) before steps start; throws when it is lost.</summary>
    private readonly Func<CancellationToken, Task>? _confirmHeld;

    public OrchestrationSession(
        StoredValue<RunRecord> record,
        StoredJournal? journal,
        ObjectLease lease,
        IObjectStore store,
        IStepExecutor executor,
        TimeProvider time,
        LocalRunnerOptions options,
        ILogger logger,
        CancellationToken hostStopping,
        Func<CancellationToken, Task>? confirmHeld = null)
    {
        _logger = logger;
        _confirmHeld = confirmHeld;
        _instanceId = record.Value.InstanceId;
        _record = record.Value;
        _recordETag = record.ETag;
        _customStatus = record.Value.CustomStatus;
        _lease = lease;
        _store = store;
        _executor = executor;
        _time = time;
        _options = options;
        _journal = journal?.Journal.Entries.ToList() ?? [];
        _legacyJournalETag = journal?.LegacyETag;
        // A new journal is this version's; an existing one keeps the version that started it (none before versions were recorded).
        _journalVersion = journal is null ? Learning.CodeVersion.Current : journal.Journal.CodeVersion;
        _persistedCount = _journal.Count;
        _journaledBySequence = _journal.ToDictionary(e => e.Sequence);
        _consumedEventKeys = _journal.Where(e => e.EventKey is not null).Select(e => e.EventKey!).ToHashSet(StringComparer.Ordinal);
        _replaying = _journal.Count > 0;
        _stepCancellation = CancellationTokenSource.CreateLinkedTokenSource(hostStopping);
    }

    public string InstanceId => _instanceId;

    public bool IsReplaying => _replaying;

    /// <summary>The run record as last written by this session.</summary>
    public RunRecord Record => _record;

    public DateTime CurrentUtcDateTime
    {
        get
        {
            var sequence = _nextSequence++;
            if (_journaledBySequence.TryGetValue(sequence, out var journaled))
            {
                if (journaled.Kind != JournalEntryKind.ClockRead)
                {
                    Diverged(sequence, journaled, "a read of CurrentUtcDateTime");
                }

                return journaled.RecordedAt.UtcDateTime;
            }

            var now = _time.GetUtcNow();
            Append(new JournalEntry(sequence, JournalEntryKind.ClockRead, ClockName, now));
            return now.UtcDateTime;
        }
    }

    public Task<TResult> CallStepAsync<TResult>(string name, object? input = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var completion = new TaskCompletionSource<TResult>();
        var sequence = _nextSequence++;
        CheckJournal(sequence, $"step '{name}'", e => e.Kind is JournalEntryKind.StepCompleted or JournalEntryKind.StepFailed && e.Name == name);
        _pending.Add(sequence, new PendingOperation(sequence, OperationKind.Step, name)
        {
            Input = StoreJson.ToElement(input),
            Complete = output => SetResult(completion, output, $"The result of step '{name}'"),
            Fail = error => completion.TrySetException(error),
        });
        return completion.Task;
    }

    public Task CallStepAsync(string name, object? input = null) => CallStepAsync<JsonElement>(name, input);

    public Task<T> WaitForExternalEventAsync<T>(string name) => WaitForExternalEventAsync<T>(name, Timeout.InfiniteTimeSpan);

    public Task<T> WaitForExternalEventAsync<T>(string name, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "An event timeout must be positive or infinite.");
        }

        // The deadline must be the same on every replay, so it is computed from a journaled clock read.
        DateTimeOffset? deadline = timeout == Timeout.InfiniteTimeSpan ? null : new DateTimeOffset(CurrentUtcDateTime, TimeSpan.Zero) + timeout;
        var completion = new TaskCompletionSource<T>();
        var sequence = _nextSequence++;
        CheckJournal(sequence, $"event '{name}'", e => e.Kind is JournalEntryKind.EventReceived or JournalEntryKind.EventTimedOut && e.Name == name);
        _pending.Add(sequence, new PendingOperation(sequence, OperationKind.Event, name)
        {
            DueAt = deadline,
            Complete = payload => SetResult(completion, payload, $"The payload of event '{name}'"),
            Fail = error => completion.TrySetException(error),
            TimeoutMessage = $"Event '{name}' was not raised for run '{_instanceId}' within {timeout}.",
        });
        return completion.Task;
    }

    public Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var sequence = _nextSequence++;
        CheckJournal(sequence, "a timer", e => e.Kind == JournalEntryKind.TimerFired);
        var completion = new TaskCompletionSource();
        if (cancellationToken.IsCancellationRequested)
        {
            completion.SetCanceled(cancellationToken);
            return completion.Task;
        }

        var dueAt = new DateTimeOffset(DateTime.SpecifyKind(fireAt.ToUniversalTime(), DateTimeKind.Utc));
        _pending.Add(sequence, new PendingOperation(sequence, OperationKind.Timer, TimerName)
        {
            DueAt = dueAt,
            Complete = _ => completion.TrySetResult(),
            Fail = error => completion.TrySetException(error),
        });
        if (cancellationToken.CanBeCanceled)
        {
            // Orchestrator code cancels the token, so this runs at the same point on every replay.
            cancellationToken.Register(() =>
            {
                _pending.Remove(sequence);
                completion.TrySetCanceled(cancellationToken);
            });
        }

        return completion.Task;
    }

    public void SetCustomStatus(object? customStatus) => _customStatus = StoreJson.ToElement(customStatus);

    /// <summary>Runs the orchestration until it completes, fails or is canceled; throws when the host stops it.</summary>
    public async Task<RunRecord> RunAsync(Func<IOrchestrationContext, Task<JsonElement>> body, CancellationToken hostStopping)
    {
        try
        {
            return await RunCoreAsync(body, hostStopping).ConfigureAwait(false);
        }
        finally
        {
            // Running steps get cancelled whenever this session ends early.
            await _stepCancellation.CancelAsync().ConfigureAwait(false);
            _stepCancellation.Dispose();
        }
    }

    private async Task<RunRecord> RunCoreAsync(Func<IOrchestrationContext, Task<JsonElement>> body, CancellationToken hostStopping)
    {
        Task<JsonElement>? orchestration = null;
        _sync.Run(() => orchestration = body(this));
        ThrowIfFatal();

        foreach (var entry in _journal.Where(e => e.Kind != JournalEntryKind.ClockRead).ToList())
        {
            Deliver(entry);
        }

        _replaying = false;
        if (_persistedCount > 0)
        {
            _logger.LogInformation("Run {InstanceId} resumed: replayed {EntryCount} journal entries", _instanceId, _persistedCount);
        }

        await UpdateRecordAsync(r => r with { Status = RunStatus.Running, WakeAt = null }, hostStopping).ConfigureAwait(false);

        while (true)
        {
            ThrowIfFatal();
            if (orchestration!.IsCompleted)
            {
                await PersistJournalAsync(hostStopping).ConfigureAwait(false);
                return await FinishAsync(orchestration, hostStopping).ConfigureAwait(false);
            }

            await PersistJournalAsync(hostStopping).ConfigureAwait(false);
            if (_pending.Values.Any(o => o.Kind == OperationKind.Step && o.StartedAt is null))
            {
                // A process that stalled (stopped, swapped out, its clock jumped) past its lease may have been replaced by
                // another runner, and a lease can also be broken before it expires (an operator or another host breaking
                // the blob lease): the runner must not start a step (a promotion) it no longer owns, so it proves its
                // leases with the store first (one renewal per batch of steps started).
                await RenewLeaseAsync(hostStopping).ConfigureAwait(false);
                if (_confirmHeld is not null) await _confirmHeld(hostStopping).ConfigureAwait(false);
            }

            StartSteps();
            await PublishProgressAsync(hostStopping).ConfigureAwait(false);
            if (_record.IsTerminal)
            {
                // Canceled by a client while no runner held the lease, in the instant before this one took it.
                return _record;
            }

            var (ready, cancellation, park) = await WaitForCompletionsAsync(hostStopping).ConfigureAwait(false);
            if (cancellation is not null)
            {
                await PersistJournalAsync(hostStopping).ConfigureAwait(false);
                return await UpdateRecordAsync(r => r with { Status = RunStatus.Canceled, CancellationReason = cancellation.Reason, WakeAt = null }, hostStopping).ConfigureAwait(false);
            }

            if (park)
            {
                // Nothing runs and nothing is due: give the run back instead of holding a lease (and the host's slot) while a human decides.
                var wakeAt = _pending.Values.Where(o => o.DueAt is not null).Select(o => o.DueAt).Min();
                _logger.LogInformation("Run {InstanceId} parked waiting for {Waits}; wakes at {WakeAt}", _instanceId,
                    string.Join(", ", _pending.Values.Select(o => o.Name)), wakeAt?.ToString("O") ?? "its event");
                return await UpdateRecordAsync(r => r with { Status = RunStatus.WaitingForEvent, WakeAt = wakeAt }, hostStopping).ConfigureAwait(false);
            }

            foreach (var entry in ready)
            {
                Append(entry);
                LogCompletion(entry);
            }

            await PersistJournalAsync(hostStopping).ConfigureAwait(false);
            foreach (var entry in ready)
            {
                Deliver(entry);
                ThrowIfFatal();
            }

            // Work posted by something other than a delivered completion (only misbehaving orchestrator code does that).
            _sync.Drain();
        }
    }

    private async Task<RunRecord> FinishAsync(Task<JsonElement> orchestration, CancellationToken cancellationToken)
    {
        if (orchestration.IsCompletedSuccessfully)
        {
            var output = orchestration.Result;
            return await UpdateRecordAsync(r => r with { Status = RunStatus.Completed, Output = output }, cancellationToken).ConfigureAwait(false);
        }

        var error = orchestration.Exception?.InnerException ?? new TaskCanceledException("The orchestrator's task was canceled.");
        return await UpdateRecordAsync(r => r with { Status = RunStatus.Failed, Failure = FailureDetails.From(error) }, cancellationToken).ConfigureAwait(false);
    }

    private void StartSteps()
    {
        foreach (var operation in _pending.Values.Where(o => o.Kind == OperationKind.Step && o.StartedAt is null).OrderBy(o => o.Sequence))
        {
            var startedAt = _time.GetUtcNow();
            operation.StartedAt = startedAt;
            _logger.LogInformation("Run {InstanceId}: step {StepName} #{Sequence} started", _instanceId, operation.Name, operation.Sequence);
            var invocation = new StepInvocation(_instanceId, operation.Name, operation.Sequence, operation.Input);
            var token = _stepCancellation.Token;
            _ = Task.Run(async () =>
            {
                JournalEntry entry;
                try
                {
                    var output = await _executor.ExecuteAsync(invocation, token).ConfigureAwait(false);
                    entry = new JournalEntry(invocation.Sequence, JournalEntryKind.StepCompleted, invocation.StepName, _time.GetUtcNow(), invocation.Input, output, StartedAt: startedAt);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // The runner is stopping: like a crash, nothing is journaled and the step runs again on resume.
                    return;
                }
                catch (Exception ex)
                {
                    entry = new JournalEntry(invocation.Sequence, JournalEntryKind.StepFailed, invocation.StepName, _time.GetUtcNow(), invocation.Input, Failure: FailureDetails.From(ex), StartedAt: startedAt);
                }

                _stepCompletions.Writer.TryWrite(entry);
            }, CancellationToken.None);
        }
    }

    /// <summary>Waits until at least one operation has completed (or a cancellation was requested), renewing the lease meanwhile.</summary>
    private async Task<(List<JournalEntry> Ready, CancellationRequest? Cancellation, bool Park)> WaitForCompletionsAsync(CancellationToken hostStopping)
    {
        var polled = false;
        while (true)
        {
            hostStopping.ThrowIfCancellationRequested();
            var ready = new List<JournalEntry>();
            while (_stepCompletions.Reader.TryRead(out var step))
            {
                ready.Add(step);
            }

            var now = _time.GetUtcNow();
            if (now >= _nextPoll)
            {
                _nextPoll = now + _options.PollInterval;
                var cancellation = await _store.ReadJsonAsync<CancellationRequest>(RunKeys.Cancellation(_instanceId), hostStopping).ConfigureAwait(false);
                if (cancellation is not null)
                {
                    return (ready, cancellation.Value, false);
                }

                polled = true;

                await RenewLeaseIfDueAsync(now, hostStopping).ConfigureAwait(false);
                if (_pending.Values.Any(o => o.Kind == OperationKind.Event))
                {
                    ready.AddRange(await ReceiveEventsAsync(hostStopping).ConfigureAwait(false));
                }
            }

            var answered = ready.Select(e => e.Sequence).ToHashSet();
            foreach (var operation in _pending.Values.Where(o => o.DueAt <= now && !answered.Contains(o.Sequence)).OrderBy(o => o.Sequence))
            {
                ready.Add(operation.Kind == OperationKind.Timer
                    ? new JournalEntry(operation.Sequence, JournalEntryKind.TimerFired, TimerName, now, FireAt: operation.DueAt)
                    : new JournalEntry(operation.Sequence, JournalEntryKind.EventTimedOut, operation.Name, now, FireAt: operation.DueAt));
            }

            if (ready.Count > 0)
            {
                return (ready, null, false);
            }

            // Parked only right after a poll found no event, so an event raised before this point is never missed,
            // and one raised after it reaches a run that the raiser (or the host's parked-run waker) executes again.
            if (_options.ParkWhenWaiting && polled && _pending.Count > 0 && _pending.Values.All(o => o.Kind != OperationKind.Step))
            {
                return (ready, null, true);
            }

            var wait = _nextPoll - now;
            var nextDue = _pending.Values.Where(o => o.DueAt is not null).Select(o => o.DueAt!.Value).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
            if (nextDue - now < wait)
            {
                wait = nextDue - now;
            }

            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(hostStopping);
            var stepDone = _stepCompletions.Reader.WaitToReadAsync(waiting.Token).AsTask();
            var posted = _sync.Wake.WaitAsync(waiting.Token);
            var delay = Task.Delay(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, _time, waiting.Token);
            await Task.WhenAny(stepDone, posted, delay).ConfigureAwait(false);
            await waiting.CancelAsync().ConfigureAwait(false);
            _sync.Drain();
            ThrowIfFatal();
        }
    }

    /// <summary>Matches unconsumed inbox events to waiting operations: oldest event to the earliest waiter of that name.</summary>
    private async Task<List<JournalEntry>> ReceiveEventsAsync(CancellationToken cancellationToken)
    {
        var received = new List<JournalEntry>();
        var waiters = _pending.Values.Where(o => o.Kind == OperationKind.Event).OrderBy(o => o.Sequence).ToList();
        await foreach (var item in _store.ListAsync(RunKeys.EventsPrefix(_instanceId), cancellationToken).ConfigureAwait(false))
        {
            if (waiters.Count == 0)
            {
                break;
            }

            if (_consumedEventKeys.Contains(item.Key))
            {
                continue;
            }

            var raised = await _store.ReadJsonAsync<RunEvent>(item.Key, cancellationToken).ConfigureAwait(false);
            var waiter = raised is null ? null : waiters.FirstOrDefault(w => w.Name == raised.Value.Name);
            if (waiter is null)
            {
                continue;
            }

            waiters.Remove(waiter);
            received.Add(new JournalEntry(waiter.Sequence, JournalEntryKind.EventReceived, waiter.Name, _time.GetUtcNow(), Output: raised!.Value.Payload, EventKey: item.Key));
        }

        return received;
    }

    private async Task RenewLeaseIfDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_lease.ExpiresAt - now > _options.LeaseDuration / 2)
        {
            return;
        }

        await RenewLeaseAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RenewLeaseAsync(CancellationToken cancellationToken)
    {
        _lease = await _store.RenewLeaseAsync(_lease, _options.LeaseDuration, cancellationToken).ConfigureAwait(false)
            ?? throw new RunConflictException(_instanceId, "this runner no longer holds the run's lease (it expired and another runner took the run over, "
                + "or it was broken); stopped before starting another step.");
    }

    private void LogCompletion(JournalEntry entry)
    {
        switch (entry.Kind)
        {
            case JournalEntryKind.StepCompleted:
                _logger.LogInformation("Run {InstanceId}: step {StepName} #{Sequence} completed in {DurationMs:0} ms", _instanceId, entry.Name, entry.Sequence, (entry.RecordedAt - (entry.StartedAt ?? entry.RecordedAt)).TotalMilliseconds);
                break;
            case JournalEntryKind.StepFailed:
                _logger.LogWarning("Run {InstanceId}: step {StepName} #{Sequence} failed with {ErrorType}: {ErrorMessage}", _instanceId, entry.Name, entry.Sequence, entry.Failure?.ErrorType, entry.Failure?.Message);
                break;
            default:
                _logger.LogInformation("Run {InstanceId}: {Kind} {Name} #{Sequence}", _instanceId, entry.Kind, entry.Name, entry.Sequence);
                break;
        }
    }

    private void Append(JournalEntry entry)
    {
        _journal.Add(entry);
        _journaledBySequence[entry.Sequence] = entry;
        if (entry.EventKey is not null)
        {
            _consumedEventKeys.Add(entry.EventKey);
        }
    }

    /// <summary>Completes the operation a journal entry answers, and lets the orchestrator run until it waits again.</summary>
    private void Deliver(JournalEntry entry)
    {
        if (!_pending.Remove(entry.Sequence, out var operation))
        {
            if (entry.Sequence >= _nextSequence)
            {
                Diverged(entry.Sequence, entry, "nothing (it has not made that call)");
                ThrowIfFatal();
            }

            // A timer the orchestrator has cancelled since.
            return;
        }

        _sync.Run(() =>
        {
            switch (entry.Kind)
            {
                case JournalEntryKind.StepCompleted:
                case JournalEntryKind.EventReceived:
                    operation.Complete(entry.Output ?? StoreJson.ToElement<object?>(null));
                    break;
                case JournalEntryKind.StepFailed:
                    operation.Fail(new StepFailedException(entry.Name, entry.Failure ?? new FailureDetails("Unknown", "no details were journaled")));
                    break;
                case JournalEntryKind.EventTimedOut:
                    operation.Fail(new TimeoutException(operation.TimeoutMessage));
                    break;
                case JournalEntryKind.TimerFired:
                    operation.Complete(default);
                    break;
                default:
                    throw new InvalidOperationException($"Journal entry kind {entry.Kind} is not a completion.");
            }
        });
        ThrowIfFatal();
    }

    private void CheckJournal(int sequence, string requested, Func<JournalEntry, bool> matches)
    {
        if (_journaledBySequence.TryGetValue(sequence, out var journaled) && !matches(journaled))
        {
            Diverged(sequence, journaled, requested);
        }
    }

    private void Diverged(int sequence, JournalEntry journaled, string requested)
    {
        // A journal another version started most likely records that version's pipeline: say so, not "not deterministic".
        var recordedBy = _journalVersion == Learning.CodeVersion.Current ? null : _journalVersion ?? NonDeterministicOrchestrationException.UnversionedJournal;
        _fatal ??= new NonDeterministicOrchestrationException(_instanceId, sequence, Describe(journaled), requested, recordedBy);
    }

    private static string Describe(JournalEntry entry) => entry.Kind switch
    {
        JournalEntryKind.StepCompleted or JournalEntryKind.StepFailed => $"step '{entry.Name}'",
        JournalEntryKind.EventReceived or JournalEntryKind.EventTimedOut => $"event '{entry.Name}'",
        JournalEntryKind.TimerFired => "a timer",
        _ => "a read of CurrentUtcDateTime",
    };

    private void ThrowIfFatal()
    {
        if (_fatal is not null)
        {
            throw _fatal;
        }
    }

    private static void SetResult<T>(TaskCompletionSource<T> completion, JsonElement json, string what)
    {
        try
        {
            completion.TrySetResult(StoreJson.FromElement<T>(json, what)!);
        }
        catch (InvalidDataException ex)
        {
            completion.TrySetException(ex);
        }
    }

    private async Task PersistJournalAsync(CancellationToken cancellationToken)
    {
        if (_journal.Count == _persistedCount)
        {
            return;
        }

        try
        {
            if (_legacyJournalETag is not null)
            {
                // A run an older version started: its single document is rewritten by compare-and-swap, as that version did.
                var written = await _store.WriteJsonAsync(RunKeys.LegacyJournal(_instanceId), new RunJournal(_instanceId, _journal.ToArray(), _journalVersion),
                    WriteCondition.IfMatch(_legacyJournalETag), cancellationToken).ConfigureAwait(false);
                _legacyJournalETag = written.ETag;
            }
            else
            {
                await RunJournalStore.AppendAsync(_store, _instanceId, _persistedCount, _journal.GetRange(_persistedCount, _journal.Count - _persistedCount), cancellationToken).ConfigureAwait(false);
            }

            _persistedCount = _journal.Count;
        }
        catch (PreconditionFailedException ex)
        {
            // Another runner appended at this position first (or rewrote an older version's document): the run is no longer ours.
            throw new RunConflictException(_instanceId, $"its journal was written by someone else while this runner held the run ({ex.Message})");
        }
    }

    /// <summary>Writes status, custom status and step timings to run.json when they changed.</summary>
    private Task PublishProgressAsync(CancellationToken cancellationToken)
    {
        var running = _pending.Values.Any(o => o.Kind == OperationKind.Step);
        var status = !running && _pending.Values.Any(o => o.Kind == OperationKind.Event) ? RunStatus.WaitingForEvent : RunStatus.Running;
        var steps = StepTimings();
        if (status == _record.Status && steps.SequenceEqual(_record.Steps) && JsonEquals(_customStatus, _record.CustomStatus))
        {
            return Task.CompletedTask;
        }

        return UpdateRecordAsync(r => r with { Status = status }, cancellationToken);
    }

    private List<StepTiming> StepTimings()
    {
        var finished = _journal
            .Where(e => e.Kind is JournalEntryKind.StepCompleted or JournalEntryKind.StepFailed)
            .Select(e => new StepTiming(e.Sequence, e.Name, e.StartedAt ?? e.RecordedAt, e.RecordedAt, e.Kind == JournalEntryKind.StepCompleted));
        var running = _pending.Values
            .Where(o => o.Kind == OperationKind.Step && o.StartedAt is not null)
            .OrderBy(o => o.Sequence)
            .Select(o => new StepTiming(o.Sequence, o.Name, o.StartedAt!.Value, null, null));
        return finished.Concat(running).ToList();
    }

    private static bool JsonEquals(JsonElement? a, JsonElement? b) =>
        a is null || b is null ? a is null && b is null : JsonElement.DeepEquals(a.Value, b.Value);

    /// <summary>
    /// Applies <paramref name="change"/> plus the current custom status and timings to run.json by
    /// compare-and-swap. A record someone else marked terminal (a cancel) is kept as it is.
    /// </summary>
    private async Task<RunRecord> UpdateRecordAsync(Func<RunRecord, RunRecord> change, CancellationToken cancellationToken)
    {
        var steps = StepTimings();
        var customStatus = _customStatus;
        var key = RunKeys.Record(_instanceId);
        while (true)
        {
            var next = change(_record) with { CustomStatus = customStatus, Steps = steps, UpdatedAt = _time.GetUtcNow() };
            try
            {
                var written = await _store.WriteJsonAsync(key, next, WriteCondition.IfMatch(_recordETag), cancellationToken).ConfigureAwait(false);
                _record = written.Value;
                _recordETag = written.ETag;
                return _record;
            }
            catch (PreconditionFailedException)
            {
                var current = await _store.ReadJsonAsync<RunRecord>(key, cancellationToken).ConfigureAwait(false)
                    ?? throw new RunConflictException(_instanceId, "its run.json was deleted while it ran.");
                _record = current.Value;
                _recordETag = current.ETag;
                if (_record.IsTerminal)
                {
                    return _record;
                }
            }
        }
    }

    private enum OperationKind
    {
        Step,
        Event,
        Timer,
    }

    private sealed class PendingOperation(int sequence, OperationKind kind, string name)
    {
        public int Sequence { get; } = sequence;

        public OperationKind Kind { get; } = kind;

        public string Name { get; } = name;

        public JsonElement Input { get; init; }

        /// <summary>A timer's fire time or an event's deadline.</summary>
        public DateTimeOffset? DueAt { get; init; }

        public string TimeoutMessage { get; init; } = "";

        public required Action<JsonElement> Complete { get; init; }

        public required Action<Exception> Fail { get; init; }

        public DateTimeOffset? StartedAt { get; set; }
    }
}

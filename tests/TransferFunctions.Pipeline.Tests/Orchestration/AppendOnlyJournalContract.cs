using System.Text;
using System.Text.Json;
using TransferFunctions.Learning;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Orchestration;

/// <summary>
/// The local runner's append-only journal, on any <see cref="IObjectStore"/>: each persist writes one create-only
/// segment with only the new entries, a reader concatenates them, a second append at one position is a lost run, and
/// no damaged, doubled or missing segment makes a journaled step run again. The filesystem store runs it here, the
/// Azure Blob store (on Azurite) in the Azure tests.
/// </summary>
public abstract class AppendOnlyJournalContract
{
    private static readonly LocalRunnerOptions FastPolling = new() { PollInterval = TimeSpan.FromMilliseconds(20) };

    /// <summary>Cancels a test that hangs instead of failing.</summary>
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    /// <summary>The store under test; the runs of each test instance have ids of their own (<see cref="RunId"/>).</summary>
    protected abstract IObjectStore Store { get; }

    /// <summary>A run id unique to this test instance.</summary>
    protected string RunId { get; } = "journal-" + Guid.NewGuid().ToString("N")[..12];

    protected CancellationToken Ct => _timeout.Token;

    private OrchestrationClient Client => new(Store);

    [Fact]
    public async Task Each_persist_appends_only_its_new_entries_as_one_create_only_segment_and_the_journal_reads_as_their_concatenation()
    {
        var counting = new CountingObjectStore(Store);
        var executor = new RecordingStepExecutor(SquareSumOrchestrator.Steps());
        await Client.CreateRunAsync(nameof(SquareSumOrchestrator), new SquareSumOrchestrator.Request("3,4,5"), RunId, Ct);

        var record = await new LocalOrchestrationRunner(counting, executor, FastPolling).RunAsync(new SquareSumOrchestrator(), RunId, Ct);

        Assert.Equal(50, StoreJson.FromElement<SquareSumOrchestrator.Result>(record.Output!.Value, "output")!.Total);
        var segments = await SegmentsAsync();
        // parse, then the squares (one to three persists, as they complete), then sum: each completion is persisted before it is delivered.
        Assert.InRange(segments.Count, 3, 5);
        var position = 0;
        foreach (var (key, segment, _, _) in segments)
        {
            Assert.Equal(RunKeys.JournalSegment(RunId, position), key);
            Assert.Equal(position, segment.FirstEntry);
            Assert.Equal(RunId, segment.InstanceId);
            Assert.Equal(CodeVersion.Current, segment.CodeVersion);
            Assert.NotEmpty(segment.Entries);
            position += segment.Entries.Count;
        }

        var journal = await Client.GetJournalAsync(RunId, Ct);
        Assert.Equal(CodeVersion.Current, journal!.CodeVersion);
        Assert.Equal(Json(segments.SelectMany(s => s.Segment.Entries)), Json(journal.Entries));
        Assert.Equal(5, journal.Entries.Count(e => e.Kind == JournalEntryKind.StepCompleted));
        Assert.Null(await Store.GetPropertiesAsync(RunKeys.LegacyJournal(RunId), Ct));

        // Written once each: one write per segment, and the journal's bytes in the store are exactly the bytes written for it.
        var journalWrites = counting.WritesUnder(RunKeys.Folder(RunId) + "journal");
        Assert.Equal(segments.Select(s => s.Key), journalWrites.Select(w => w.Key));
        Assert.Equal(segments.Sum(s => s.Size), journalWrites.Sum(w => w.Size));
        // What rewriting the whole journal at each of these persists wrote (the format before segments) is more.
        Assert.True(RewrittenWholeBytes(segments) > journalWrites.Sum(w => w.Size));
    }

    [Fact]
    public async Task A_runner_whose_next_segment_another_runner_appended_first_loses_the_run_and_the_resumed_run_uses_the_winners_entry()
    {
        var steps = SquareSumOrchestrator.Steps();
        var intruded = false;
        // While "sum" executes, a runner that took the run over appends its own answer for it at the same journal position.
        var executor = new RecordingStepExecutor(new DelegatingExecutor(async (invocation, ct) =>
        {
            if (invocation.StepName == "sum" && !intruded)
            {
                intruded = true;
                var journaled = (await Client.GetJournalAsync(RunId, ct))!.Entries.Count;
                var winner = new JournalEntry(invocation.Sequence, JournalEntryKind.StepCompleted, "sum", DateTimeOffset.UtcNow, invocation.Input, StoreJson.ToElement(999));
                await Store.WriteJsonAsync(RunKeys.JournalSegment(RunId, journaled), new RunJournalSegment(RunId, journaled, [winner], CodeVersion.Current), WriteCondition.CreateOnly, ct);
            }

            return await steps.ExecuteAsync(invocation, ct);
        }));
        await Client.CreateRunAsync(nameof(SquareSumOrchestrator), new SquareSumOrchestrator.Request("3,4,5"), RunId, Ct);

        var lost = await Assert.ThrowsAsync<RunConflictException>(() => Runner(executor).RunAsync(new SquareSumOrchestrator(), RunId, Ct));
        var resumed = await Runner(executor).RunAsync(new SquareSumOrchestrator(), RunId, Ct);

        Assert.Contains("journal was written by someone else", lost.Message);
        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal(999, StoreJson.FromElement<SquareSumOrchestrator.Result>(resumed.Output!.Value, "output")!.Total);
        Assert.Equal(1, executor.CountOf("sum", StoreJson.ToElement(new[] { 9, 16, 25 })));
        Assert.Equal(5, executor.TotalExecutions);
        var sums = (await Client.GetJournalAsync(RunId, Ct))!.Entries.Where(e => e.Name == "sum").ToList();
        Assert.Equal(999, Assert.Single(sums).Output!.Value.GetInt32());
    }

    [Fact]
    public async Task Concurrent_appends_at_one_position_let_exactly_one_writer_win()
    {
        await Client.CreateRunAsync(nameof(SquareSumOrchestrator), new SquareSumOrchestrator.Request("1"), RunId, Ct);
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            start.Wait(Ct);
            var entry = new JournalEntry(0, JournalEntryKind.StepCompleted, "parse", DateTimeOffset.UtcNow, Output: StoreJson.ToElement(new[] { writer }));
            try
            {
                await Store.WriteJsonAsync(RunKeys.JournalSegment(RunId, 0), new RunJournalSegment(RunId, 0, [entry], CodeVersion.Current), WriteCondition.CreateOnly, Ct);
                return true;
            }
            catch (PreconditionFailedException)
            {
                return false;
            }
        })).ToList();
        start.Set();
        var won = await Task.WhenAll(attempts);

        Assert.Equal(1, won.Count(w => w));
        var journal = await Client.GetJournalAsync(RunId, Ct);
        Assert.Equal(new[] { Array.IndexOf(won, true) }, Assert.Single(journal!.Entries).Output!.Value.Deserialize<int[]>());
    }

    [Fact]
    public async Task A_crash_between_segments_replays_every_segment_rewrites_none_and_appends_after_the_last()
    {
        using var stop = new CancellationTokenSource();
        var executor = new RecordingStepExecutor(SquareSumOrchestrator.Steps()) { CrashAtExecution = 5, RunnerStop = stop };
        await Client.CreateRunAsync(nameof(SquareSumOrchestrator), new SquareSumOrchestrator.Request("3,4,5"), RunId, Ct);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runner(executor).RunAsync(new SquareSumOrchestrator(), RunId, stop.Token));
        var atCrash = await SegmentsAsync();
        var journalAtCrash = (await Client.GetJournalAsync(RunId, Ct))!;
        executor.CrashAtExecution = 0;

        var record = await Runner(executor).RunAsync(new SquareSumOrchestrator(), RunId, Ct);

        Assert.Equal(50, StoreJson.FromElement<SquareSumOrchestrator.Result>(record.Output!.Value, "output")!.Total);
        // parse and the three squares were journaled across segments before the crash; only the killed sum ran again.
        Assert.True(atCrash.Count >= 2, $"the crash came after {atCrash.Count} segment(s)");
        Assert.Equal(4, journalAtCrash.Entries.Count);
        Assert.Equal(6, executor.TotalExecutions);
        Assert.Equal(2, executor.CountOf("sum", StoreJson.ToElement(new[] { 9, 16, 25 })));
        var after = await SegmentsAsync();
        Assert.Equal(atCrash.Select(s => (s.Key, s.ETag)), after.Take(atCrash.Count).Select(s => (s.Key, s.ETag)));
        Assert.Equal(RunKeys.JournalSegment(RunId, 4), Assert.Single(after.Skip(atCrash.Count)).Key);
        var final = (await Client.GetJournalAsync(RunId, Ct))!;
        Assert.Equal(Json(journalAtCrash.Entries), Json(final.Entries.Take(4)));
    }

    /// <summary>What a doubled, torn or misplaced append could leave after the last good segment, never written by the runner itself.</summary>
    public enum Damage
    {
        /// <summary>The last segment's entries once more, at the next position.</summary>
        RepeatedSegment,

        /// <summary>The first half of a segment's bytes.</summary>
        TornSegment,

        /// <summary>A segment one entry past the end: an entry is missing before it.</summary>
        Gap,

        /// <summary>A segment whose content names another position than its key.</summary>
        MisplacedSegment,
    }

    [Theory]
    [InlineData(Damage.RepeatedSegment, "a second time")]
    [InlineData(Damage.TornSegment, "is not a valid RunJournalSegment document")]
    [InlineData(Damage.Gap, "misses journal entries 4 to 4")]
    [InlineData(Damage.MisplacedSegment, "says it starts at entry 5, but its key says 4")]
    public async Task A_damaged_journal_fails_the_run_with_the_reason_and_runs_no_journaled_step_again(Damage damage, string reason)
    {
        using var stop = new CancellationTokenSource();
        var executor = new RecordingStepExecutor(SquareSumOrchestrator.Steps()) { CrashAtExecution = 5, RunnerStop = stop };
        await Client.CreateRunAsync(nameof(SquareSumOrchestrator), new SquareSumOrchestrator.Request("3,4,5"), RunId, Ct);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runner(executor).RunAsync(new SquareSumOrchestrator(), RunId, stop.Token));
        var last = (await SegmentsAsync())[^1].Segment;
        var sum = new JournalEntry(4, JournalEntryKind.StepCompleted, "sum", DateTimeOffset.UtcNow, Output: StoreJson.ToElement(50));
        var (position, content) = damage switch
        {
            Damage.RepeatedSegment => (4, StoreJson.Serialize(last with { FirstEntry = 4 })),
            Damage.TornSegment => (4, StoreJson.Serialize(new RunJournalSegment(RunId, 4, [sum], CodeVersion.Current))[..100]),
            Damage.Gap => (5, StoreJson.Serialize(new RunJournalSegment(RunId, 5, [sum], CodeVersion.Current))),
            _ => (4, StoreJson.Serialize(new RunJournalSegment(RunId, 5, [sum], CodeVersion.Current))),
        };
        await Store.WriteAsync(RunKeys.JournalSegment(RunId, position), content, WriteCondition.CreateOnly, Ct);
        executor.CrashAtExecution = 0;

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Runner(executor).RunAsync(new SquareSumOrchestrator(), RunId, Ct));

        Assert.Contains(reason, error.Message);
        var record = await Client.GetStatusAsync(RunId, Ct);
        Assert.Equal(RunStatus.Failed, record!.Status);
        Assert.Contains(reason, record.Failure!.Message);
        // The five executions before the crash, and not one after it.
        Assert.Equal(5, executor.TotalExecutions);
        await Assert.ThrowsAsync<InvalidDataException>(() => Client.GetJournalAsync(RunId, Ct));
    }

    [Fact]
    public async Task A_run_an_older_version_started_resumes_from_its_single_journal_document_and_keeps_that_format()
    {
        await Client.CreateRunAsync(nameof(SquareSumOrchestrator), new SquareSumOrchestrator.Request("3,4,5"), RunId, Ct);
        // What that version left at runs/{id}/journal: parse and two of the three squares, rewritten whole on each persist.
        var at = DateTimeOffset.UtcNow;
        var old = new RunJournal(RunId,
        [
            new JournalEntry(0, JournalEntryKind.StepCompleted, "parse", at, StoreJson.ToElement("3,4,5"), StoreJson.ToElement(new[] { 3, 4, 5 })),
            new JournalEntry(2, JournalEntryKind.StepCompleted, "square", at, StoreJson.ToElement(4), StoreJson.ToElement(16)),
            new JournalEntry(1, JournalEntryKind.StepCompleted, "square", at, StoreJson.ToElement(3), StoreJson.ToElement(9)),
        ], "0.9.0-before-segments");
        await Store.WriteJsonAsync(RunKeys.LegacyJournal(RunId), old, WriteCondition.CreateOnly, Ct);
        var executor = new RecordingStepExecutor(SquareSumOrchestrator.Steps());

        var record = await Runner(executor).RunAsync(new SquareSumOrchestrator(), RunId, Ct);

        Assert.Equal(RunStatus.Completed, record.Status);
        Assert.Equal(50, StoreJson.FromElement<SquareSumOrchestrator.Result>(record.Output!.Value, "output")!.Total);
        Assert.Equal(2, executor.TotalExecutions);
        Assert.Equal(1, executor.CountOf("square", StoreJson.ToElement(5)));
        Assert.Empty(await SegmentsAsync());
        var journal = (await Client.GetJournalAsync(RunId, Ct))!;
        Assert.Equal("0.9.0-before-segments", journal.CodeVersion);
        Assert.Equal([0, 2, 1, 3, 4], journal.Entries.Select(e => e.Sequence));
        Assert.Equal(Json(old.Entries), Json(journal.Entries.Take(3)));
    }

    /// <summary>The run's segments as stored, in position order.</summary>
    protected async Task<List<(string Key, RunJournalSegment Segment, long Size, string ETag)>> SegmentsAsync()
    {
        var segments = new List<(string, RunJournalSegment, long, string)>();
        await foreach (var item in Store.ListAsync(RunKeys.JournalPrefix(RunId), Ct))
        {
            var segment = (await Store.ReadJsonAsync<RunJournalSegment>(item.Key, Ct))!;
            segments.Add((item.Key, segment.Value, item.Size, item.ETag));
        }

        return segments;
    }

    private LocalOrchestrationRunner Runner(IStepExecutor executor) => new(Store, executor, FastPolling);

    private static string Json<T>(IEnumerable<T> values) => Encoding.UTF8.GetString(StoreJson.Serialize(values.ToList()));

    /// <summary>The bytes the whole-document journal wrote for the same persists: at each, every entry so far.</summary>
    private long RewrittenWholeBytes(IReadOnlyList<(string Key, RunJournalSegment Segment, long Size, string ETag)> segments)
    {
        var entries = new List<JournalEntry>();
        long total = 0;
        foreach (var (_, segment, _, _) in segments)
        {
            entries.AddRange(segment.Entries);
            total += StoreJson.Serialize(new RunJournal(RunId, entries.ToArray(), segment.CodeVersion)).Length;
        }

        return total;
    }

    private sealed class DelegatingExecutor(Func<StepInvocation, CancellationToken, Task<JsonElement>> execute) : IStepExecutor
    {
        public Task<JsonElement> ExecuteAsync(StepInvocation invocation, CancellationToken cancellationToken) => execute(invocation, cancellationToken);
    }
}

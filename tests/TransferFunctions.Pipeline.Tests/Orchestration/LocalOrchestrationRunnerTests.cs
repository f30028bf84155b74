using System.Text.Json;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Orchestration;

public sealed class LocalOrchestrationRunnerTests : IDisposable
{
    private static readonly LocalRunnerOptions FastPolling = new() { PollInterval = TimeSpan.FromMilliseconds(20) };

    private readonly TemporaryFolder _folder = new();
    private readonly FileSystemObjectStore _store;
    private readonly OrchestrationClient _client;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    public LocalOrchestrationRunnerTests()
    {
        _store = new FileSystemObjectStore(_folder.Path);
        _client = new OrchestrationClient(_store);
    }

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Sample_orchestrator_fans_out_concurrently_and_returns_the_hand_computed_result()
    {
        var executor = new RecordingStepExecutor(SquareSumOrchestrator.Steps(requireConcurrentSquares: 3));
        await _client.CreateRunAsync(nameof(SquareSumOrchestrator), new SquareSumOrchestrator.Request("3,4,5"), "run-1", Ct);

        var record = await Runner(executor).RunAsync(new SquareSumOrchestrator(), "run-1", Ct);

        Assert.Equal(RunStatus.Completed, record.Status);
        var result = Output<SquareSumOrchestrator.Result>(record);
        Assert.Equal(9 + 16 + 25, result.Total);
        Assert.Equal([9, 16, 25], result.Squares);
        Assert.Equal(5, executor.TotalExecutions);
        Assert.Equal(new SquareSumOrchestrator.Progress("done", 3), record.CustomStatus!.Value.Deserialize<SquareSumOrchestrator.Progress>(StoreJson.Options));
        Assert.Equal(["parse", "square", "square", "square", "sum"], record.Steps.OrderBy(s => s.Sequence).Select(s => s.Name));
        Assert.All(record.Steps, s => Assert.True(s.Succeeded == true && s.Duration >= TimeSpan.Zero));
        var stored = await _client.GetStatusAsync("run-1", Ct);
        Assert.Equal(RunStatus.Completed, stored!.Status);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Restart_after_a_crash_at_any_step_never_reexecutes_journaled_steps_and_gives_the_same_result(int crashAtExecution)
    {
        using var stop = new CancellationTokenSource();
        var executor = new RecordingStepExecutor(SquareSumOrchestrator.Steps()) { CrashAtExecution = crashAtExecution, RunnerStop = stop };
        await _client.CreateRunAsync(nameof(SquareSumOrchestrator), new SquareSumOrchestrator.Request("3,4,5"), "run-1", Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runner(executor).RunAsync(new SquareSumOrchestrator(), "run-1", stop.Token));
        var journalAtCrash = await _client.GetJournalAsync("run-1", Ct);
        var statusAtCrash = await _client.GetStatusAsync("run-1", Ct);
        var countsAtCrash = executor.Snapshot();
        executor.CrashAtExecution = 0;
        var record = await Runner(executor).RunAsync(new SquareSumOrchestrator(), "run-1", Ct);

        Assert.Equal(RunStatus.Running, statusAtCrash!.Status);
        Assert.Equal(RunStatus.Completed, record.Status);
        Assert.Equal(50, Output<SquareSumOrchestrator.Result>(record).Total);
        var journaledSteps = journalAtCrash?.Entries.Where(e => e.Kind == JournalEntryKind.StepCompleted).ToList() ?? [];
        Assert.True(journaledSteps.Count < 5, "the crash happened before the last step was journaled");
        foreach (var step in journaledSteps)
        {
            Assert.Equal(countsAtCrash[RecordingStepExecutor.CallKey(step.Name, step.Input!.Value)], executor.CountOf(step.Name, step.Input!.Value));
            Assert.Equal(1, executor.CountOf(step.Name, step.Input!.Value));
        }

        // The killed call ran twice; fan-out siblings that finished but were not journaled before the stop may run twice too.
        Assert.InRange(executor.TotalExecutions, 6, 5 + (5 - journaledSteps.Count));
        var finalJournal = await _client.GetJournalAsync("run-1", Ct);
        Assert.Equal(5, finalJournal!.Entries.Count(e => e.Kind == JournalEntryKind.StepCompleted));
    }

    [Fact]
    public async Task Event_raised_while_waiting_completes_the_wait()
    {
        await _client.CreateRunAsync(nameof(ApprovalOrchestrator), new ApprovalOrchestrator.Request(60_000), "run-1", Ct);
        var running = Runner(new InProcessStepExecutor()).RunAsync(new ApprovalOrchestrator(), "run-1", Ct);

        await WaitForStatusAsync("run-1", RunStatus.WaitingForEvent);
        await _client.RaiseEventAsync("run-1", "approval", new ApprovalOrchestrator.Decision(true, "ana"), Ct);
        var record = await running.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(RunStatus.Completed, record.Status);
        Assert.Equal("approved by ana", Output<string>(record));
    }

    [Fact]
    public async Task Event_wait_times_out_with_a_timeout_exception_in_the_orchestrator()
    {
        await _client.CreateRunAsync(nameof(ApprovalOrchestrator), new ApprovalOrchestrator.Request(300), "run-1", Ct);
        var started = DateTimeOffset.UtcNow;

        var record = await Runner(new InProcessStepExecutor()).RunAsync(new ApprovalOrchestrator(), "run-1", Ct);

        Assert.Equal("timed out", Output<string>(record));
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromMilliseconds(300));
        var journal = await _client.GetJournalAsync("run-1", Ct);
        Assert.Contains(journal!.Entries, e => e.Kind == JournalEntryKind.EventTimedOut && e.Name == "approval");
    }

    [Fact]
    public async Task Event_raised_before_the_orchestrator_waits_is_still_delivered_and_other_names_are_not()
    {
        await _client.CreateRunAsync(nameof(ApprovalOrchestrator), new ApprovalOrchestrator.Request(60_000), "run-1", Ct);
        await _client.RaiseEventAsync("run-1", "unrelated", new ApprovalOrchestrator.Decision(true, "mallory"), Ct);
        await _client.RaiseEventAsync("run-1", "approval", new ApprovalOrchestrator.Decision(false, "bob"), Ct);
        await _client.RaiseEventAsync("run-1", "approval", new ApprovalOrchestrator.Decision(true, "carol"), Ct);

        var record = await Runner(new InProcessStepExecutor()).RunAsync(new ApprovalOrchestrator(), "run-1", Ct);

        // The oldest matching event wins.
        Assert.Equal("rejected by bob", Output<string>(record));
    }

    [Fact]
    public async Task Event_raised_while_no_runner_runs_is_delivered_after_a_restart_and_keeps_the_original_deadline()
    {
        await _client.CreateRunAsync(nameof(ApprovalOrchestrator), new ApprovalOrchestrator.Request(60_000), "run-1", Ct);
        using (var stop = new CancellationTokenSource())
        {
            var running = Runner(new InProcessStepExecutor()).RunAsync(new ApprovalOrchestrator(), "run-1", stop.Token);
            await WaitForStatusAsync("run-1", RunStatus.WaitingForEvent);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        }

        var journalBefore = await _client.GetJournalAsync("run-1", Ct);
        await _client.RaiseEventAsync("run-1", "approval", new ApprovalOrchestrator.Decision(true, "dave"), Ct);
        var record = await Runner(new InProcessStepExecutor()).RunAsync(new ApprovalOrchestrator(), "run-1", Ct);

        Assert.Equal("approved by dave", Output<string>(record));
        var journalAfter = await _client.GetJournalAsync("run-1", Ct);
        // The wait's start time was journaled before the stop and replayed, not read again.
        var clockReads = journalAfter!.Entries.Where(e => e.Kind == JournalEntryKind.ClockRead).ToList();
        Assert.Single(clockReads);
        Assert.Equal(journalBefore!.Entries.Single(e => e.Kind == JournalEntryKind.ClockRead), clockReads[0]);
    }

    [Fact]
    public async Task Replay_that_asks_for_a_different_step_fails_with_a_nondeterminism_error()
    {
        using var stop = new CancellationTokenSource();
        var executor = new RecordingStepExecutor(SquareSumOrchestrator.Steps()) { CrashAtExecution = 2, RunnerStop = stop };
        var orchestrator = new ChangingOrchestrator { FirstStep = "parse" };
        await _client.CreateRunAsync(nameof(ChangingOrchestrator), "1,2", "run-1", Ct);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runner(executor).RunAsync(orchestrator, "run-1", stop.Token));

        orchestrator.FirstStep = "tokenize";
        var error = await Assert.ThrowsAsync<NonDeterministicOrchestrationException>(() => Runner(executor).RunAsync(orchestrator, "run-1", Ct));

        Assert.Equal(0, error.Sequence);
        Assert.Equal("step 'parse'", error.Journaled);
        Assert.Equal("step 'tokenize'", error.Requested);
        var record = await _client.GetStatusAsync("run-1", Ct);
        Assert.Equal(RunStatus.Failed, record!.Status);
        Assert.Equal(nameof(NonDeterministicOrchestrationException), record.Failure!.ErrorType);
    }

    [Fact]
    public async Task Step_failure_surfaces_in_the_orchestrator_with_the_step_name_and_message()
    {
        var executor = new InProcessStepExecutor()
            .Register<string, int[]>("parse", (_, _) => throw new InvalidDataException("row 7 has no label"))
            .Register<int[], int>("sum", (v, _) => Task.FromResult(v.Sum()));
        await _client.CreateRunAsync(nameof(ChangingOrchestrator), "1,2", "caught", Ct);
        await _client.CreateRunAsync(nameof(ChangingOrchestrator), "1,2", "uncaught", Ct);

        var caught = await Runner(executor).RunAsync(new ChangingOrchestrator { CatchFailures = true }, "caught", Ct);
        var uncaught = await Runner(executor).RunAsync(new ChangingOrchestrator(), "uncaught", Ct);

        Assert.Equal(RunStatus.Completed, caught.Status);
        Assert.Equal("parse failed: row 7 has no label", Output<string>(caught));
        Assert.Equal(RunStatus.Failed, uncaught.Status);
        Assert.Equal(nameof(StepFailedException), uncaught.Failure!.ErrorType);
        Assert.Equal("Step 'parse' failed with InvalidDataException: row 7 has no label", uncaught.Failure.Message);
        Assert.False(uncaught.Steps.Single().Succeeded);
    }

    [Fact]
    public async Task Timer_fires_and_the_clock_is_replayed_from_the_journal_after_a_restart()
    {
        using var stop = new CancellationTokenSource();
        var executor = new RecordingStepExecutor(SquareSumOrchestrator.Steps()) { CrashAtExecution = 1, RunnerStop = stop };
        await _client.CreateRunAsync(nameof(ClockOrchestrator), 200, "run-1", Ct);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runner(executor).RunAsync(new ClockOrchestrator(), "run-1", stop.Token));
        var journalAtCrash = await _client.GetJournalAsync("run-1", Ct);
        await Task.Delay(50, Ct);
        var restartedAt = DateTime.UtcNow;

        var record = await Runner(executor).RunAsync(new ClockOrchestrator(), "run-1", Ct);

        var result = Output<ClockOrchestrator.Result>(record);
        var clocks = journalAtCrash!.Entries.Where(e => e.Kind == JournalEntryKind.ClockRead).Select(e => e.RecordedAt.UtcDateTime).ToList();
        Assert.Equal([result.Started, result.AfterTimer], clocks);
        Assert.True(result.AfterTimer - result.Started >= TimeSpan.FromMilliseconds(200));
        Assert.True(result.AfterTimer < restartedAt);
        Assert.True(result.ReplayingBeforeStep);
        Assert.False(result.ReplayingAtEnd);
        Assert.Contains(journalAtCrash.Entries, e => e.Kind == JournalEntryKind.TimerFired && e.FireAt == new DateTimeOffset(result.Started.AddMilliseconds(200)));
    }

    [Fact]
    public async Task Cancel_stops_a_waiting_run_and_marks_a_pending_run_canceled_at_once()
    {
        await _client.CreateRunAsync(nameof(ApprovalOrchestrator), new ApprovalOrchestrator.Request(60_000), "waiting", Ct);
        await _client.CreateRunAsync(nameof(ApprovalOrchestrator), new ApprovalOrchestrator.Request(60_000), "pending", Ct);
        var running = Runner(new InProcessStepExecutor()).RunAsync(new ApprovalOrchestrator(), "waiting", Ct);
        await WaitForStatusAsync("waiting", RunStatus.WaitingForEvent);

        await _client.CancelAsync("waiting", "superseded by batch 7", Ct);
        var pending = await _client.CancelAsync("pending", "user asked", Ct);
        var waiting = await running.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(RunStatus.Canceled, waiting.Status);
        Assert.Equal("superseded by batch 7", waiting.CancellationReason);
        Assert.Equal(RunStatus.Canceled, pending.Status);
        var afterRun = await Runner(new InProcessStepExecutor()).RunAsync(new ApprovalOrchestrator(), "pending", Ct);
        Assert.Equal(RunStatus.Canceled, afterRun.Status);
        await Assert.ThrowsAsync<TransferFunctions.Pipeline.Api.ConflictException>(() => _client.RaiseEventAsync("waiting", "approval", 1, Ct));
    }

    [Fact]
    public async Task Second_runner_is_refused_while_the_first_holds_the_run()
    {
        await _client.CreateRunAsync(nameof(ApprovalOrchestrator), new ApprovalOrchestrator.Request(60_000), "run-1", Ct);
        var first = Runner(new InProcessStepExecutor()).RunAsync(new ApprovalOrchestrator(), "run-1", Ct);
        await WaitForStatusAsync("run-1", RunStatus.WaitingForEvent);

        var error = await Assert.ThrowsAsync<RunConflictException>(() => Runner(new InProcessStepExecutor()).RunAsync(new ApprovalOrchestrator(), "run-1", Ct));

        Assert.Contains("another runner", error.Message, StringComparison.Ordinal);
        await _client.RaiseEventAsync("run-1", "approval", new ApprovalOrchestrator.Decision(true, "erin"), Ct);
        Assert.Equal("approved by erin", Output<string>(await first.WaitAsync(TimeSpan.FromSeconds(30), Ct)));
    }

    [Fact]
    public async Task Creating_a_run_twice_keeps_the_first_and_runs_are_listed()
    {
        var first = await _client.CreateRunAsync(nameof(SquareSumOrchestrator), new SquareSumOrchestrator.Request("1"), "batch-a", Ct);
        var again = await _client.CreateRunAsync(nameof(SquareSumOrchestrator), new SquareSumOrchestrator.Request("2"), "batch-a", Ct);
        await _client.CreateRunAsync(nameof(SquareSumOrchestrator), new SquareSumOrchestrator.Request("3"), "batch-b", Ct);

        var listed = new List<RunRecord>();
        await foreach (var run in _client.ListRunsAsync(Ct))
        {
            listed.Add(run);
        }

        Assert.Equal("1", again.Input!.Value.GetProperty("numbers").GetString());
        Assert.Equal(first.CreatedAt, again.CreatedAt);
        Assert.Equal(["batch-a", "batch-b"], listed.Select(r => r.InstanceId));
        Assert.All(listed, r => Assert.Equal(RunStatus.Pending, r.Status));
        await Assert.ThrowsAsync<RunNotFoundException>(() => Runner(new InProcessStepExecutor()).RunAsync(new SquareSumOrchestrator(), "nope", Ct));
    }

    private static T Output<T>(RunRecord record) =>
        record.Output!.Value.Deserialize<T>(StoreJson.Options)!;

    private LocalOrchestrationRunner Runner(IStepExecutor executor) => new(_store, executor, FastPolling);

    private async Task WaitForStatusAsync(string instanceId, RunStatus status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await _client.GetStatusAsync(instanceId, Ct))?.Status != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"run {instanceId} never reached {status}");
            await Task.Delay(10, Ct);
        }
    }
}

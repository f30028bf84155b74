using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Hosting;

/// <summary>Runs waiting for approval hold no slot and no lease: the real runner parks them, the real scheduler and waker resume them.</summary>
public sealed class ParkedRunsTests : IAsyncLifetime
{
    private static CancellationToken Ct => CancellationToken.None;
    private readonly TemporaryFolder _folder = new();
    private FileSystemObjectStore _store = null!;
    private OrchestrationClient _client = null!;
    private Host _host = null!;

    private sealed record Host(RunScheduler Scheduler, ParkedRuns Parked, Task Waker, CancellationTokenSource Stop)
    {
        public async Task StopAsync()
        {
            await Stop.CancelAsync();
            await Waker;
            await Scheduler.DisposeAsync();
            Stop.Dispose();
        }
    }

    public Task InitializeAsync()
    {
        _store = new FileSystemObjectStore(_folder.Path);
        _client = new OrchestrationClient(_store);
        _host = StartHost();
        return Task.CompletedTask;
    }

    /// <summary>What <c>transfer serve</c> composes: a runner that parks, the scheduler executing through it, the waker.</summary>
    private Host StartHost()
    {
        var runner = new LocalOrchestrationRunner(_store, new InProcessStepExecutor(),
            new LocalRunnerOptions { ParkWhenWaiting = true, PollInterval = TimeSpan.FromMilliseconds(20), LeaseDuration = TimeSpan.FromSeconds(5) });
        ParkedRuns? parked = null;
        var scheduler = new RunScheduler(
            (id, ct) => LocalRunExecution.ExecuteAsync((run, token) => runner.RunAsync(new ProjectApprovalOrchestrator(), run, token), parked!, id, ct),
            new RunSchedulerOptions { MaxConcurrentRuns = 2 });
        parked = new ParkedRuns(_client, _store, scheduler) { InboxInterval = TimeSpan.FromMilliseconds(100) };
        var stop = new CancellationTokenSource();
        var waker = Task.Run(() => parked.RunAsync(stop.Token));
        return new Host(scheduler, parked, waker, stop);
    }

    private async Task<RunRecord> SubmitAsync(string id, string project, int timeoutMilliseconds)
    {
        var run = await _client.CreateRunAsync(nameof(ProjectApprovalOrchestrator), new ProjectApprovalOrchestrator.Request(project, timeoutMilliseconds), id, Ct);
        _host.Scheduler.Schedule(TransferFunctions.Pipeline.Hosting.ScheduledRun.FromRecord(run));
        return run;
    }

    private async Task<RunRecord> WaitForAsync(string id, Func<RunRecord, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var run = await _client.GetStatusAsync(id, Ct);
            if (run is not null && condition(run)) return run;
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until run {id} {what} (it is {run?.Status})");
            await Task.Delay(20);
        }
    }

    private static string Output(RunRecord run) => run.Output!.Value.GetString()!;

    [Fact]
    public async Task Ten_runs_awaiting_approval_hold_no_slot_and_another_projects_run_starts_at_once()
    {
        for (var i = 0; i < 10; i++) await SubmitAsync($"waiting-{i}", $"project-{i}", 3_600_000);
        for (var i = 0; i < 10; i++)
        {
            var parked = await WaitForAsync($"waiting-{i}", r => r.Status == RunStatus.WaitingForEvent && r.WakeAt is not null, "is parked");
            Assert.True(parked.WakeAt > DateTimeOffset.UtcNow.AddMinutes(50), $"wakes at its approval deadline, not {parked.WakeAt:O}");
        }
        await ServeTestWait.UntilAsync(() => _host.Scheduler.Snapshot.Running.Count == 0 && _host.Parked.Count == 10, "the scheduler holds no parked run");
        // Parked means no runner holds it: every run lease is free.
        for (var i = 0; i < 10; i++) Assert.Null(await _store.GetLeaseAsync(RunKeys.Lease($"waiting-{i}"), Ct));

        // The parked runs wait an hour for approval; the other run ending within WaitForAsync's bound is the proof it did not queue behind them.
        await SubmitAsync("other", "another-project", 0);
        var other = await WaitForAsync("other", r => r.IsTerminal, "ends");

        Assert.Equal(RunStatus.Completed, other.Status);
        Assert.Equal("no approval needed", Output(other));
        Assert.Equal(10, _host.Parked.Count);
    }

    [Fact]
    public async Task A_parked_run_resumes_on_an_event_raised_by_another_process()
    {
        await SubmitAsync("run-1", "fashion", 3_600_000);
        await WaitForAsync("run-1", r => r.Status == RunStatus.WaitingForEvent && r.WakeAt is not null, "is parked");
        await ServeTestWait.UntilAsync(() => _host.Parked.Count == 1, "the run is parked");

        // Raised through the store alone, as `transfer approve` in another process does: the waker finds it in the inbox.
        await _client.RaiseEventAsync("run-1", "approval", new ProjectApprovalOrchestrator.Decision(true, "ana"), Ct);
        var done = await WaitForAsync("run-1", r => r.IsTerminal, "ends");

        Assert.Equal("approved by ana", Output(done));
    }

    [Fact]
    public async Task A_cancellation_requested_while_the_runner_still_held_the_lease_wakes_the_parked_run_and_cancels_it()
    {
        await SubmitAsync("run-1", "fashion", 3_600_000);
        await WaitForAsync("run-1", r => r.Status == RunStatus.WaitingForEvent && r.WakeAt is not null, "is parked");
        await ServeTestWait.UntilAsync(() => _host.Parked.Count == 1, "the run is parked");

        // What CancelAsync leaves when it finds the lease held (the runner had polled and was about to park): the request alone.
        await _store.WriteJsonAsync(RunKeys.Cancellation("run-1"), new CancellationRequest("wrong labels", DateTimeOffset.UtcNow), WriteCondition.Always, Ct);
        var done = await WaitForAsync("run-1", r => r.IsTerminal, "ends");

        Assert.Equal(RunStatus.Canceled, done.Status);
        Assert.Equal("wrong labels", done.CancellationReason);
        Assert.Equal(0, _host.Parked.Count);
    }

    [Fact]
    public async Task A_parked_run_resumes_at_its_deadline_and_times_out()
    {
        await SubmitAsync("run-1", "fashion", 400);
        var done = await WaitForAsync("run-1", r => r.IsTerminal, "ends");

        Assert.Equal("timed out", Output(done));
        var journal = await _client.GetJournalAsync("run-1", Ct);
        Assert.Contains(journal!.Entries, e => e.Kind == JournalEntryKind.EventTimedOut);
    }

    [Fact]
    public async Task After_a_restart_parked_runs_stay_parked_and_still_resume_on_their_event()
    {
        await SubmitAsync("run-1", "fashion", 3_600_000);
        await WaitForAsync("run-1", r => r.Status == RunStatus.WaitingForEvent && r.WakeAt is not null, "is parked");
        await _host.StopAsync();

        // A new host on the same store: nothing remembered in memory.
        _host = StartHost();
        var (resumed, parked) = await LocalRunExecution.ResumeAsync(_client.ListRunsAsync(Ct), _host.Scheduler, _host.Parked, Ct);
        Assert.Equal((0, 1), (resumed, parked));
        Assert.Empty(_host.Scheduler.Snapshot.Running);

        await _client.RaiseEventAsync("run-1", "approval", new ProjectApprovalOrchestrator.Decision(false, "bob"), Ct);
        var done = await WaitForAsync("run-1", r => r.IsTerminal, "ends");
        Assert.Equal("rejected by bob", Output(done));
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _folder.Dispose();
    }
}

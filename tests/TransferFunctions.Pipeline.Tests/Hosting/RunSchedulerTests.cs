using TransferFunctions.Pipeline.Tests.TestSupport;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Tests.Hosting;

/// <summary>The scheduler's guarantees, with real runs of the small orchestrator through the replay runner.</summary>
public sealed class RunSchedulerTests : IAsyncLifetime
{
    private readonly TemporaryFolder _folder = new();
    private readonly FileSystemObjectStore _store;
    private readonly OrchestrationClient _client;
    private readonly ModelRegistry _registry;
    private readonly SmallPipelineSteps _steps;
    private RunScheduler? _scheduler;

    public RunSchedulerTests()
    {
        _store = new FileSystemObjectStore(_folder.Path);
        _client = new OrchestrationClient(_store);
        _registry = new ModelRegistry(_store);
        _steps = new SmallPipelineSteps(_store, _registry) { TrainDuration = TimeSpan.FromMilliseconds(150) };
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_scheduler is not null)
        {
            await _scheduler.DisposeAsync();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task No_more_runs_execute_at_once_than_the_limit()
    {
        var service = CreateService(maxConcurrentRuns: 2);
        var ids = new List<string>();
        // Training is held, so the overlap does not depend on how fast the machine is: the first two runs reach training
        // and stay there, whatever the load, until the scheduler has shown it starts no third.
        _steps.HoldTraining();
        for (var i = 0; i < 6; i++)
        {
            await StoreBatches.WriteBatchAsync(_store, $"project-{i}", "b1", files: 3, ready: false);
            ids.Add((await service.SubmitAsync(new AdaptationRequest($"project-{i}", "b1"))).InstanceId);
        }

        await StoreBatches.EventuallyAsync(() => Task.FromResult(_steps.Training == 2), "two runs train at once");
        var held = _scheduler!.Snapshot;
        var trainingWhileHeld = _steps.Training;
        _steps.OpenTraining();
        foreach (var id in ids)
        {
            Assert.Equal(RunStatus.Completed, (await service.WaitForCompletionAsync(id)).Status);
        }

        // Six independent projects, two slots: they overlap up to the limit and never beyond.
        Assert.Equal(2, trainingWhileHeld);
        Assert.Equal(2, held.Running.Count);
        Assert.Equal(4, held.Queued.Count);
        Assert.Equal(2, _steps.MaxConcurrentTraining);
    }

    [Fact]
    public async Task Runs_of_one_project_execute_one_at_a_time_and_every_promotion_lands()
    {
        var service = CreateService(maxConcurrentRuns: 4);
        var fashion = new List<string>();
        var shoes = new List<string>();
        for (var i = 1; i <= 4; i++)
        {
            // Growing batches: each run's candidate beats the champion of the run before it.
            await StoreBatches.WriteBatchAsync(_store, "fashion", $"b{i}", files: 10 * i, ready: false);
            await StoreBatches.WriteBatchAsync(_store, "shoes", $"b{i}", files: 10 * i, ready: false);
        }

        // Held training makes the overlap of the two projects certain, not a matter of timing.
        _steps.HoldTraining();
        for (var i = 1; i <= 4; i++)
        {
            fashion.Add((await service.SubmitAsync(new AdaptationRequest("fashion", $"b{i}"))).InstanceId);
            if (i <= 2)
            {
                shoes.Add((await service.SubmitAsync(new AdaptationRequest("shoes", $"b{i}"))).InstanceId);
            }
        }

        await StoreBatches.EventuallyAsync(() => Task.FromResult(_steps.Training == 2), "a run of each project trains");
        var snapshot = _scheduler!.Snapshot;
        _steps.OpenTraining();
        foreach (var id in fashion.Concat(shoes))
        {
            Assert.Equal(RunStatus.Completed, (await service.WaitForCompletionAsync(id)).Status);
        }

        // Four free slots, yet one run per project: the other four wait for their project, not for a slot.
        Assert.Equal(["fashion", "shoes"], snapshot.Running.Select(r => r.Project).Order());
        Assert.Equal(4, snapshot.Queued.Count);
        Assert.Equal(1, _steps.MaxConcurrentTrainingPerProject);
        Assert.Equal(2, _steps.MaxConcurrentTraining);
        var champion = (await _registry.GetChampionAsync("fashion"))!.Value;
        Assert.Equal(4, champion.Version);
        Assert.Equal([1, 2, 3], champion.History.Select(h => h.Version));
        Assert.Equal(fashion, (await _registry.ListVersionsAsync("fashion")).OrderBy(c => c.Version).Select(c => c.RunId));
        Assert.Equal(2, (await _registry.GetChampionAsync("shoes"))!.Value.Version);
        Assert.All(fashion, id => Assert.Equal(1, _steps.ExecutionsOf(id, SmallPipelineSteps.Promote)));
    }

    [Fact]
    public async Task A_run_scheduled_again_while_queued_or_running_executes_once()
    {
        var service = CreateService(maxConcurrentRuns: 1);
        await StoreBatches.WriteBatchAsync(_store, "fashion", "b1", files: 3, ready: false);
        _steps.HoldTraining();
        var run = await service.SubmitAsync(new AdaptationRequest("fashion", "b1"), "run-1");
        var queued = await service.SubmitAsync(new AdaptationRequest("fashion", "b1"), "run-2");
        await StoreBatches.EventuallyAsync(() => Task.FromResult(_steps.Training == 1), "run-1 trains");

        var againWhileRunning = _scheduler!.Schedule(new ScheduledRun("run-1", "fashion"));
        var againWhileQueued = _scheduler.Schedule(new ScheduledRun("run-2", "fashion"));
        var snapshot = _scheduler.Snapshot;
        _steps.OpenTraining();

        Assert.False(againWhileRunning);
        Assert.False(againWhileQueued);
        Assert.Equal(["run-1"], snapshot.Running.Select(r => r.RunId));
        Assert.Equal(["run-2"], snapshot.Queued.Select(r => r.RunId));
        Assert.Equal(RunStatus.Completed, (await service.WaitForCompletionAsync(run.InstanceId)).Status);
        Assert.Equal(RunStatus.Completed, (await service.WaitForCompletionAsync(queued.InstanceId)).Status);
        Assert.Equal(1, _steps.ExecutionsOf("run-1", SmallPipelineSteps.Train));
        Assert.Equal(1, _steps.ExecutionsOf("run-2", SmallPipelineSteps.Train));
    }

    [Fact]
    public async Task A_run_held_by_another_runner_is_taken_when_its_lease_expires()
    {
        var service = CreateService(maxConcurrentRuns: 1);
        await StoreBatches.WriteBatchAsync(_store, "fashion", "b1", files: 3, ready: false);
        // What a runner killed mid-run leaves behind: its lease, for a while.
        var stale = await _store.AcquireLeaseAsync(RunKeys.Lease("run-1"), TimeSpan.FromMilliseconds(700), "crashed runner");
        Assert.NotNull(stale);

        var run = await service.SubmitAsync(new AdaptationRequest("fashion", "b1"), "run-1");

        Assert.Equal(RunStatus.Completed, (await service.WaitForCompletionAsync(run.InstanceId)).Status);
    }

    [Fact]
    public async Task Stopping_cancels_executing_runs_and_the_next_start_resumes_them_from_their_journal()
    {
        _steps.HoldTraining();
        var first = CreateService(maxConcurrentRuns: 2);
        var ids = new List<string>();
        foreach (var project in new[] { "fashion", "shoes", "hats" })
        {
            await StoreBatches.WriteBatchAsync(_store, project, "b1", files: 5, ready: false);
            ids.Add((await first.SubmitAsync(new AdaptationRequest(project, "b1"))).InstanceId);
        }

        await StoreBatches.EventuallyAsync(() => Task.FromResult(_steps.Training == 2), "two runs train (the third waits for a slot)");
        await _scheduler!.StopAsync();
        var atStop = await _client.ListRunsAsync().ToListAsync();
        _steps.OpenTraining();
        var second = CreateService(maxConcurrentRuns: 2);

        var resumed = await _scheduler!.ResumeUnfinishedAsync(_client.ListRunsAsync());

        Assert.Equal(3, resumed);
        Assert.Equal([RunStatus.Pending, RunStatus.Running, RunStatus.Running], atStop.Select(r => r.Status).Order());
        foreach (var id in ids)
        {
            Assert.Equal(RunStatus.Completed, (await second.WaitForCompletionAsync(id)).Status);
            // Validation was journaled before the stop and is replayed, not repeated; training was cut off and runs again.
            Assert.Equal(1, _steps.ExecutionsOf(id, SmallPipelineSteps.Validate));
            Assert.Equal(1, _steps.ExecutionsOf(id, SmallPipelineSteps.Promote));
        }

        Assert.Equal(2 + 1 + 2, ids.Sum(id => _steps.ExecutionsOf(id, SmallPipelineSteps.Train)));
        Assert.Equal(0, await _scheduler.ResumeUnfinishedAsync(_client.ListRunsAsync()));
    }

    private SmallAdaptationService CreateService(int maxConcurrentRuns)
    {
        var runner = new LocalOrchestrationRunner(_store, _steps.CreateExecutor(), new LocalRunnerOptions { PollInterval = TimeSpan.FromMilliseconds(20) });
        _scheduler = new RunScheduler(
            (id, ct) => runner.RunAsync(new SmallAdaptOrchestrator(), id, ct),
            new RunSchedulerOptions { MaxConcurrentRuns = maxConcurrentRuns, ConflictRetryDelay = TimeSpan.FromMilliseconds(100) });
        return new SmallAdaptationService(_client, _registry, _scheduler);
    }
}

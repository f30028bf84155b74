using TransferFunctions.Pipeline.Tests.TestSupport;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Tests.Hosting;

/// <summary>
/// The data-arrival trigger starts exactly one run per ready batch: under duplicate, reordered and
/// lost file events, concurrent scans, and restarts, with real runs of the small orchestrator.
/// </summary>
public sealed class DataArrivalTriggerTests : IAsyncLifetime
{
    private static readonly DataArrivalTriggerOptions Fast = new() { RescanInterval = TimeSpan.FromMilliseconds(300), SettleDelay = TimeSpan.FromMilliseconds(30) };

    private readonly TemporaryFolder _folder = new();
    private readonly FileSystemObjectStore _store;
    private readonly OrchestrationClient _client;
    private readonly ModelRegistry _registry;
    private readonly SmallPipelineSteps _steps;
    private readonly RunScheduler _scheduler;
    private readonly SmallAdaptationService _service;

    public DataArrivalTriggerTests()
    {
        _store = new FileSystemObjectStore(_folder.Path);
        _client = new OrchestrationClient(_store);
        _registry = new ModelRegistry(_store);
        _steps = new SmallPipelineSteps(_store, _registry);
        var runner = new LocalOrchestrationRunner(_store, _steps.CreateExecutor(), new LocalRunnerOptions { PollInterval = TimeSpan.FromMilliseconds(20) });
        _scheduler = new RunScheduler((id, ct) => runner.RunAsync(new SmallAdaptOrchestrator(), id, ct), new RunSchedulerOptions { MaxConcurrentRuns = 2 });
        _service = new SmallAdaptationService(_client, _registry, _scheduler);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _scheduler.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Duplicate_and_reordered_marker_events_start_one_run_per_batch()
    {
        using var trigger = new DataArrivalTrigger(_store, _service, Fast);
        using var stop = new CancellationTokenSource();
        var watching = trigger.RunAsync(stop.Token);

        // Marker first, data after; data first, marker after; a marker touched over and over; two projects interleaved.
        await _store.WriteAsync(ArrivalKeys.Marker("fashion", "b1"), ReadOnlyMemory<byte>.Empty);
        await StoreBatches.WriteBatchAsync(_store, "shoes", "s1", files: 4, ready: false);
        await StoreBatches.WriteBatchAsync(_store, "fashion", "b1", files: 3, ready: false);
        await StoreBatches.WriteBatchAsync(_store, "fashion", "b2", files: 6);
        var touches = Enumerable.Range(0, 25).Select(async i =>
        {
            await _store.WriteAsync(ArrivalKeys.Marker("fashion", "b2"), new[] { (byte)i });
            trigger.Notify();
        });
        var scans = Enumerable.Range(0, 8).Select(_ => trigger.ScanAsync());
        await Task.WhenAll(touches.Concat(scans));
        await _store.WriteAsync(ArrivalKeys.Marker("shoes", "s1"), ReadOnlyMemory<byte>.Empty);
        File.SetLastWriteTimeUtc(_store.GetFullPath(ArrivalKeys.Marker("fashion", "b1")), DateTime.UtcNow);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => trigger.ScanAsync()));

        var expected = new[] { ("fashion", "b1"), ("fashion", "b2"), ("shoes", "s1") }.Select(b => ArrivalKeys.RunId(b.Item1, b.Item2)).Order().ToArray();
        foreach (var id in expected)
        {
            await _service.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30));
        }

        await Task.Delay(Fast.RescanInterval * 3);
        await stop.CancelAsync();
        await watching;

        var runs = await _client.ListRunsAsync().ToListAsync();
        Assert.Equal(expected, runs.Select(r => r.InstanceId).Order());
        Assert.All(expected, id => Assert.Equal(1, _steps.ExecutionsOf(id, SmallPipelineSteps.Validate)));
        var b2 = runs.Single(r => r.InstanceId == ArrivalKeys.RunId("fashion", "b2"));
        Assert.Equal(RunStatus.Completed, b2.Status);
        Assert.Equal("data-arrival trigger", b2.Input!.Value.GetProperty("requestedBy").GetString());
        Assert.Equal("b2", b2.Input!.Value.GetProperty("batch").GetString());
        var handled = await _store.ListAsync(ArrivalKeys.HandledRoot).Select(p => p.Key).ToListAsync();
        Assert.Equal(["triggers/arrivals/fashion/b1.json", "triggers/arrivals/fashion/b2.json", "triggers/arrivals/shoes/s1.json"], handled);
    }

    [Fact]
    public async Task Restarting_the_trigger_midway_starts_no_second_run_for_a_batch()
    {
        await StoreBatches.WriteBatchAsync(_store, "fashion", "b1", files: 2);
        await StoreBatches.WriteBatchAsync(_store, "fashion", "b2", files: 3);
        using (var first = new DataArrivalTrigger(_store, _service, Fast))
        {
            Assert.Equal(["b1", "b2"], (await first.ScanAsync()).Select(a => a.Batch).Order());
        }

        // The restart: markers touched again, a new batch, and one batch whose record was lost in a
        // crash between submitting its run and recording it.
        await _store.WriteAsync(ArrivalKeys.Marker("fashion", "b1"), "again"u8.ToArray());
        await StoreBatches.WriteBatchAsync(_store, "fashion", "b3", files: 4);
        Assert.True(await _store.DeleteAsync(ArrivalKeys.Handled("fashion", "b2")));
        using var second = new DataArrivalTrigger(_store, _service, Fast);
        var afterRestart = await second.ScanAsync();
        var thenNothing = await second.ScanAsync();

        Assert.Equal(["b2", "b3"], afterRestart.Select(a => a.Batch).Order());
        Assert.Equal(ArrivalKeys.RunId("fashion", "b2"), afterRestart.Single(a => a.Batch == "b2").RunId);
        Assert.Empty(thenNothing);
        foreach (var batch in new[] { "b1", "b2", "b3" })
        {
            Assert.Equal(RunStatus.Completed, (await _service.WaitForCompletionAsync(ArrivalKeys.RunId("fashion", batch))).Status);
        }

        var runs = await _client.ListRunsAsync().ToListAsync();
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal(1, _steps.ExecutionsOf(r.InstanceId, SmallPipelineSteps.Validate)));
    }

    [Fact]
    public async Task The_watcher_starts_a_run_long_before_the_next_rescan()
    {
        using var trigger = new DataArrivalTrigger(_store, _service, Fast with { RescanInterval = TimeSpan.FromHours(1) });
        using var stop = new CancellationTokenSource();
        var watching = trigger.RunAsync(stop.Token);
        await Task.Delay(200);

        await StoreBatches.WriteBatchAsync(_store, "fashion", "b1", files: 2);

        var runId = ArrivalKeys.RunId("fashion", "b1");
        await StoreBatches.EventuallyAsync(async () => await _client.GetStatusAsync(runId) is not null, "the watcher starts the run", TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await watching;
    }

    [Fact]
    public async Task The_periodic_rescan_finds_a_batch_whose_events_were_missed()
    {
        using var trigger = new DataArrivalTrigger(_store, _service, Fast with { WatchFileSystem = false, RescanInterval = TimeSpan.FromMilliseconds(200) });
        using var stop = new CancellationTokenSource();
        var watching = trigger.RunAsync(stop.Token);
        await Task.Delay(100);

        await StoreBatches.WriteBatchAsync(_store, "fashion", "b1", files: 2);

        var runId = ArrivalKeys.RunId("fashion", "b1");
        await StoreBatches.EventuallyAsync(async () => await _client.GetStatusAsync(runId) is not null, "a rescan starts the run", TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await watching;
    }

    [Fact]
    public async Task A_batch_of_an_invalid_project_name_is_recorded_with_its_reason_and_starts_no_run()
    {
        await StoreBatches.WriteBatchAsync(_store, "Fashion MNIST", "b1", files: 2);
        using var trigger = new DataArrivalTrigger(_store, _service, Fast);

        var first = await trigger.ScanAsync();
        var second = await trigger.ScanAsync();

        var arrival = Assert.Single(first);
        Assert.Null(arrival.RunId);
        Assert.Contains("project 'Fashion MNIST' is not a valid name", arrival.Problem);
        Assert.Contains("rename the folder datasets/Fashion MNIST/", arrival.Problem);
        Assert.Empty(second);
        Assert.Empty(await _client.ListRunsAsync().ToListAsync());
        var stored = await _store.ReadJsonAsync<BatchArrival>(ArrivalKeys.Handled("Fashion MNIST", "b1"));
        Assert.Equal(arrival.Problem, stored!.Value.Problem);
    }

    [Fact]
    public void Markers_are_recognised_only_at_batch_depth()
    {
        Assert.True(ArrivalKeys.TryParseMarker("datasets/fashion/b1/_READY", out var project, out var batch));
        Assert.Equal(("fashion", "b1"), (project, batch));
        Assert.False(ArrivalKeys.TryParseMarker("datasets/fashion/_READY", out _, out _));
        Assert.False(ArrivalKeys.TryParseMarker("datasets/fashion/b1/images/_READY", out _, out _));
        Assert.False(ArrivalKeys.TryParseMarker("datasets/fashion/b1/_READY.txt", out _, out _));
        Assert.False(ArrivalKeys.TryParseMarker("models/fashion/b1/_READY", out _, out _));
    }

    [Fact]
    public void Run_ids_of_batches_are_stable_valid_and_distinct()
    {
        var id = ArrivalKeys.RunId("fashion", "b1");
        var longest = ArrivalKeys.RunId(new string('p', 64), new string('b', 300));

        Assert.Equal(id, ArrivalKeys.RunId("fashion", "b1"));
        Assert.StartsWith("batch-fashion-b1-", id);
        // Names that read alike after joining or sanitizing still get their own run.
        Assert.NotEqual(ArrivalKeys.RunId("a-b", "c"), ArrivalKeys.RunId("a", "b-c"));
        Assert.NotEqual(ArrivalKeys.RunId("p", "batch one"), ArrivalKeys.RunId("p", "batch_one"));
        Assert.NotEqual(longest, ArrivalKeys.RunId(new string('p', 64), new string('b', 299)));
        Assert.Equal(100, longest.Length);
        RunKeys.ValidateInstanceId(longest);
        RunKeys.ValidateInstanceId(ArrivalKeys.RunId("p", "<img src=x>"));
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using TransferFunctions.Functions.Tests.TestSupport;
using TransferFunctions.Functions.Triggers;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Tests.Triggers;

/// <summary>The Event Grid blob trigger's function, called as the worker calls it for a <c>_READY</c> marker.</summary>
public sealed class DatasetArrivalFunctionTests : IAsyncLifetime
{
    private readonly TemporaryFolder _folder = new();
    private DurableTestApp _app = null!;
    private DatasetArrivalFunction _function = null!;

    public async Task InitializeAsync()
    {
        _app = await DurableTestApp.StartAsync(_folder.Path);
        _function = _app.Create<DatasetArrivalFunction>();
    }

    private Task Deliver(string project, string batch) => _function.RunAsync([], project, batch, _app.Client, CancellationToken.None);

    /// <summary>A batch whose only image is corrupt: its run ends quickly (validate, report) as invalid data.</summary>
    private async Task WriteBrokenBatchAsync(string project, string batch)
    {
        var folder = Path.Combine(_folder.Path, "datasets", project, batch, "Sandal");
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        await File.WriteAllTextAsync(Path.Combine(_folder.Path, "datasets", project, batch, ArrivalKeys.ReadyMarker), "");
    }

    [Fact]
    public async Task Marker_starts_the_run_whose_id_the_core_derives_and_duplicate_events_start_nothing_more()
    {
        await WriteBrokenBatchAsync("fashion", "batch-7");
        var runId = ArrivalKeys.RunId("fashion", "batch-7");

        await Task.WhenAll(Deliver("fashion", "batch-7"), Deliver("fashion", "batch-7"));
        await Deliver("fashion", "batch-7");

        var run = await _app.Service.WaitForCompletionAsync(runId, TimeSpan.FromMinutes(2));
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("batch-7", run.Input!.Value.GetProperty("batch").GetString());
        Assert.Equal("data-arrival trigger", run.Input.Value.GetProperty("requestedBy").GetString());
        Assert.Equal([runId], await _app.Service.ListRunsAsync().Select(r => r.InstanceId).ToListAsync());
        var arrival = (await _app.Store.ReadJsonAsync<BatchArrival>(ArrivalKeys.Handled("fashion", "batch-7")))!.Value;
        Assert.Equal((runId, null), (arrival.RunId, arrival.Problem));
    }

    [Fact]
    public async Task Trigger_settings_from_configuration_reach_the_runs_it_starts()
    {
        await using var app = await DurableTestApp.StartAsync(_folder.Path, settings: new Dictionary<string, string?> { ["Trigger:RequestedBy"] = "event grid (contoso)" });
        await WriteBrokenBatchAsync("fashion", "b9");
        var runId = ArrivalKeys.RunId("fashion", "b9");

        await app.Create<DatasetArrivalFunction>().RunAsync([], "fashion", "b9", app.Client, CancellationToken.None);

        var run = await app.Service.WaitForCompletionAsync(runId, TimeSpan.FromMinutes(2));
        Assert.Equal("event grid (contoso)", run.Input!.Value.GetProperty("requestedBy").GetString());
    }

    [Fact]
    public async Task Event_replayed_after_the_instance_was_purged_starts_no_second_run()
    {
        await WriteBrokenBatchAsync("fashion", "b1");
        var runId = ArrivalKeys.RunId("fashion", "b1");
        await Deliver("fashion", "b1");
        await _app.Service.WaitForCompletionAsync(runId, TimeSpan.FromMinutes(2));
        await _app.Client.PurgeInstanceAsync(runId);
        Assert.Null(await _app.Service.GetRunAsync(runId));

        await Deliver("fashion", "b1");

        Assert.Null(await _app.Service.GetRunAsync(runId));
    }

    [Fact]
    public async Task Batch_of_an_invalid_project_name_starts_no_run_and_records_why()
    {
        await WriteBrokenBatchAsync("Fashion", "b1");

        await Deliver("Fashion", "b1");

        Assert.Empty(await _app.Service.ListRunsAsync().ToListAsync());
        var arrival = (await _app.Store.ReadJsonAsync<BatchArrival>(ArrivalKeys.Handled("Fashion", "b1")))!.Value;
        Assert.Null(arrival.RunId);
        Assert.Contains("project 'Fashion' is not a valid name", arrival.Problem);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }
}

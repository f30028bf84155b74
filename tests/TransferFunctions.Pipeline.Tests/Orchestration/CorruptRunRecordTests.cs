using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Orchestration;

/// <summary>A run.json that is not a readable record fails that run, with the reason, and hides or stops no other run.</summary>
public sealed class CorruptRunRecordTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    [Fact]
    public async Task A_truncated_run_record_reads_as_a_failed_run_and_the_others_are_listed_as_they_are()
    {
        var store = new FileSystemObjectStore(_folder.Path);
        var client = new OrchestrationClient(store);
        await client.CreateRunAsync("AdaptModelOrchestrator", new { project = "a" }, "run-a");
        await client.CreateRunAsync("AdaptModelOrchestrator", new { project = "b" }, "run-b");
        await client.CreateRunAsync("AdaptModelOrchestrator", new { project = "c" }, "run-c");
        var damaged = Path.Combine(_folder.Path, "runs", "run-b", "run.json");
        var bytes = await File.ReadAllBytesAsync(damaged);
        await File.WriteAllBytesAsync(damaged, bytes[..(bytes.Length / 2)]);

        var runs = new List<RunRecord>();
        await foreach (var run in client.ListRunsAsync()) runs.Add(run);
        var shown = await client.GetStatusAsync("run-b");

        Assert.Equal(["run-a", "run-b", "run-c"], runs.Select(r => r.InstanceId).Order());
        Assert.All(runs.Where(r => r.InstanceId != "run-b"), r => Assert.Equal(RunStatus.Pending, r.Status));
        Assert.Equal(RunStatus.Failed, shown!.Status);
        Assert.True(shown.IsTerminal);
        Assert.Equal("CorruptRunRecord", shown.Failure!.ErrorType);
        Assert.StartsWith("The run record runs/run-b/run.json is unreadable, so the run cannot continue: ", shown.Failure.Message);
        Assert.Equal(shown, runs.Single(r => r.InstanceId == "run-b"));
        // The damaged bytes stay for inspection; cancelling the failed run changes nothing.
        Assert.Equal(RunStatus.Failed, (await client.CancelAsync("run-b", "cleanup")).Status);
        Assert.Equal(bytes[..(bytes.Length / 2)], await File.ReadAllBytesAsync(damaged));
    }

    public void Dispose() => _folder.Dispose();
}

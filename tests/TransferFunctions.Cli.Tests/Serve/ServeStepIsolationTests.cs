using System.Globalization;
using System.Net.Http.Json;
using TransferFunctions.Cli.Bench;
using TransferFunctions.Cli.Bench.Reliability;
using TransferFunctions.Cli.Tests.TestSupport;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Tests.Serve;

/// <summary>
/// What <c>transfer serve</c> does with steps when nothing is configured (a real serve process): the compute steps run in
/// child processes started at a lower CPU priority, so training cannot starve the HTTP API; validate, promote and report
/// stay in the host.
/// </summary>
public sealed class ServeStepIsolationTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tf-serve-isolation-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [Fact]
    public async Task By_default_serve_runs_the_compute_steps_in_child_processes_at_nice_10_and_the_others_in_the_host()
    {
        var store = Path.Combine(_root, "store");
        await new FileSystemObjectStore(store).WriteJsonAsync(ProjectSettings.KeyOf("fashion"),
            new ProjectSettings("fine-tune", ServeTestHost.Steps, Policy: ServeTestHost.Lenient), WriteCondition.Always);
        await using var server = await ServeProcess.StartAsync(store, Path.Combine(_root, "logs"), ["--rescan-seconds", "1"],
            new Dictionary<string, string> { ["TF_Runner__PollInterval"] = "00:00:00.100" });
        using var http = server.CreateClient();
        var hostNice = NiceOf(server.ProcessId);
        var banner = await server.WaitForOutputAsync("  steps:", TimeSpan.FromSeconds(30));
        Assert.Contains("compute steps", banner);
        Assert.Contains("at nice 10", banner);

        await ServeTestHost.DeliverAsync(store, "fashion", "b1");
        var runId = ArrivalKeys.RunId("fashion", "b1");
        var seen = new Dictionary<int, StepChildProcesses.StepProcess>();
        RunRecord? run = null;
        while (run?.IsTerminal != true)
        {
            foreach (var child in StepChildProcesses.ChildrenOf(server.ProcessId)) seen.TryAdd(child.ProcessId, child);
            using var response = await http.GetAsync($"/api/adaptations/{runId}");
            if (response.IsSuccessStatusCode) run = await response.Content.ReadFromJsonAsync<RunRecord>(StoreJson.Options);
            Assert.False(server.HasExited, "serve exited");
            await Task.Delay(10);
        }

        Assert.Equal(RunStatus.Completed, run!.Status);
        var steps = seen.Values.Select(c => c.Step).Distinct().ToList();
        // The long steps cannot slip between two looks; the short ones may, so only these are required.
        Assert.Contains(StepNames.Adapt, steps);
        Assert.Contains(StepNames.TrainScratch, steps);
        Assert.All(steps, s => Assert.Contains(s, StepNames.Compute));
        // Lowered by 10 from the host's own (a host already niced by its caller: as far as 19 allows).
        var expected = Math.Min(19, hostNice + 10);
        Assert.All(seen.Values, c => Assert.True(c.Nice == expected, $"step {c.Step} (pid {c.ProcessId}) runs at nice {c.Nice}, not {expected} (serve is at {hostNice})"));
        Assert.All(run.Steps, s => Assert.True(s.Succeeded == true, $"step {s.Name} failed"));
    }

    private static int NiceOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19 - 3], CultureInfo.InvariantCulture);
    }
}

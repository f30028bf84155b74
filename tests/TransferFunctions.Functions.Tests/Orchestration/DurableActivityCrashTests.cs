using System.Diagnostics;
using TransferFunctions.Functions.Steps;
using TransferFunctions.Functions.Tests.TestSupport;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Tests.Orchestration;

/// <summary>
/// On the Durable engine (the real SDK under the in-process test host), a step activity whose worker process dies mid-way
/// (its <c>transfer step</c> child process killed with SIGKILL) is retried by Durable's retry policy and the run completes
/// once: one version, one champion move.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class DurableActivityCrashTests(TargetBatches batches)
{
    [Fact]
    public async Task An_activity_whose_step_process_is_killed_mid_way_is_retried_and_the_run_completes_once()
    {
        using var folder = new TemporaryFolder();
        await batches.DeliverAsync(folder.Path, PipelineScenarios.Project, "b1", 20);
        // One process per activity attempt: the child executor itself does not retry, so the retry seen is Durable's.
        var executor = new ChildProcessStepExecutor(new FileSystemObjectStore(folder.Path), folder.Path, ["dotnet", TransferDll()], new ChildProcessLimits { MaxAttempts = 1 });
        var options = new StepRunnerOptions { MaxAttempts = 3, FirstRetryInterval = TimeSpan.FromMilliseconds(500), MaxRetryInterval = TimeSpan.FromSeconds(2) };
        await using var app = await DurableTestApp.StartAsync(folder.Path, options, executor: executor);
        await app.Service.SubmitAsync(PipelineScenarios.Request(PipelineScenarios.Lenient), PipelineScenarios.RunId);

        var killed = await KillFirstChildAsync(StepNames.Adapt, folder.Path);
        var run = await app.Service.WaitForCompletionAsync(PipelineScenarios.RunId, TimeSpan.FromMinutes(10));

        var result = PipelineScenarios.Result(run);
        Assert.True(result.Outcome == "promoted", $"{result.Outcome}: {string.Join("; ", result.Reasons)}");
        Assert.True(killed.Killed, $"the adapt child process (pid {killed.Pid}) was still running when it was killed");
        var versions = await app.Steps.Registry.ListVersionsAsync(PipelineScenarios.Project);
        Assert.Equal([1], versions.Select(v => v.Version));
        Assert.Equal(PipelineScenarios.RunId, versions[0].RunId);
        var champion = (await app.Steps.Registry.GetChampionAsync(PipelineScenarios.Project))!.Value;
        Assert.Equal(1, champion.Version);
        Assert.Empty(champion.History);
        // The retried attempt wrote the step's one output document.
        Assert.Single(Directory.GetFiles(Path.Combine(folder.Path, "runs", PipelineScenarios.RunId, "steps"), $"*-{StepNames.Adapt}.output.json"));
    }

    /// <summary>Waits for the step's child process, lets it work a moment, kills it with SIGKILL; says whether it was alive to be killed.</summary>
    private static async Task<(int Pid, bool Killed)> KillFirstChildAsync(string step, string storeRoot)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            if (await PgrepAsync($"step {step} --input .* --store {storeRoot}") is [var pid, ..])
            {
                await Task.Delay(500);
                var kill = Process.Start("kill", ["-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
                return (pid, kill.ExitCode == 0);
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no {step} child process appeared");
    }

    private static async Task<int[]> PgrepAsync(string pattern)
    {
        var info = new ProcessStartInfo("pgrep", ["-f", pattern]) { RedirectStandardOutput = true };
        using var pgrep = Process.Start(info)!;
        var output = await pgrep.StandardOutput.ReadToEndAsync();
        await pgrep.WaitForExitAsync();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
    }

    /// <summary>The CLI the step processes run: the Release build of src/TransferFunctions.Cli (./tf test builds it first).</summary>
    private static string TransferDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "TransferFunctions.sln"))) continue;
            var dll = Path.Combine(dir.FullName, "src", "TransferFunctions.Cli", "bin", "Release", "net10.0", "transfer.dll");
            Assert.True(File.Exists(dll), $"{dll} is missing: build src/TransferFunctions.Cli in Release first (./tf build)");
            return dll;
        }

        throw new InvalidOperationException("the repository root (TransferFunctions.sln) is not above the test's folder");
    }
}

using System.Text.Json;
using TransferFunctions.Learning.Data;
using TransferFunctions.Cli.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Tests.Steps;

/// <summary>Steps run in a child `transfer step` process (as a container job would) give what they give in-process.</summary>
public sealed class ChildProcessStepTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tf-child-" + Guid.NewGuid().ToString("N"));

    private static StepInvocation Invocation(string run, int sequence, string step, object input) =>
        new(run, step, sequence, StoreJson.ToElement(input));

    [Fact]
    public async Task Validate_step_in_a_child_process_matches_the_in_process_result_and_is_idempotent()
    {
        var batches = await FashionMnistTargetBatches.LoadAsync(CancellationToken.None);
        await batches.DeliverAsync(_root, "shoes", "b1", perClass: 8, offset: 0, CancellationToken.None);
        await using var inProcess = await LocalPipeline.StartAsync(_root, CancellationToken.None);
        await using var child = await LocalPipeline.StartAsync(_root, CancellationToken.None, StepIsolation.ChildProcess);
        var run = new RunInput("shoes", "b1", "fine-tune", PipelineOptions.EmbeddedBase, TransferFunctions.Pipeline.Promotion.PromotionPolicy.Default, "test");

        var expected = await inProcess.Executor.ExecuteAsync(Invocation("a", 0, StepNames.Validate, new ValidateRequest("a", run)), CancellationToken.None);
        var invocation = Invocation("b", 0, StepNames.Validate, new ValidateRequest("b", run));
        var actual = await child.Executor.ExecuteAsync(invocation, CancellationToken.None);

        var e = StoreJson.FromElement<ValidatedDataset>(expected, "in-process")!;
        var a = StoreJson.FromElement<ValidatedDataset>(actual, "child")!;
        Assert.True(a.Valid);
        Assert.Equal(e.Digest, a.Digest);
        Assert.Equal(e.Labels, a.Labels);
        Assert.Equal(e.SplitCounts, a.SplitCounts);
        Assert.Equal("runs/b/prepared/dataset.safetensors", a.TensorsKey);
        Assert.True(File.Exists(Path.Combine(_root, "runs", "b", "prepared", "dataset.safetensors")));

        // A second execution of the same call returns the stored output without running the step again.
        var outputFile = Path.Combine(_root, StepDocuments.OutputKey(invocation));
        var written = File.GetLastWriteTimeUtc(outputFile);
        var again = await child.Executor.ExecuteAsync(invocation, CancellationToken.None);
        Assert.Equal(actual.GetRawText(), again.GetRawText());
        Assert.Equal(written, File.GetLastWriteTimeUtc(outputFile));
    }

    /// <summary>
    /// A step process started for a host that is no longer its parent (the host was killed and the step handed to another
    /// process) ends itself at once, killed like its host, instead of computing for a run the restarted host runs again.
    /// Without the watch this step would fail on its missing input document with exit code 1.
    /// </summary>
    [Fact]
    public async Task A_step_process_whose_host_is_gone_ends_itself()
    {
        var command = LocalPipeline.SelfCommand();
        var info = new System.Diagnostics.ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var part in command.Skip(1).Concat(["step", StepNames.Validate, "--input", "runs/r/steps/0-validate.input.json", "--output", "runs/r/steps/0-validate.output.json", "--store", _root]))
            info.ArgumentList.Add(part);
        // The host it names is not its parent (this test process is): what a step sees once its host died.
        info.Environment[ChildProcessStepExecutor.HostProcessVariable] = "1";
        using var step = System.Diagnostics.Process.Start(info)!;
        var error = step.StandardError.ReadToEndAsync();
        await step.StandardOutput.ReadToEndAsync();
        await step.WaitForExitAsync();

        Assert.Contains("the host that started this step (pid 1) is gone", await error);
        Assert.Equal(128 + 9, step.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(_root, "runs")), "the step did nothing");
    }

    [Fact]
    public async Task A_failing_step_in_a_child_process_reports_the_step_and_its_error()
    {
        await using var child = await LocalPipeline.StartAsync(_root, CancellationToken.None, StepIsolation.ChildProcess);
        var run = new RunInput("shoes", null, "fine-tune", "/no/such/base/package", TransferFunctions.Pipeline.Promotion.PromotionPolicy.Default, "test");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            child.Executor.ExecuteAsync(Invocation("c", 0, StepNames.Validate, new ValidateRequest("c", run)), CancellationToken.None));

        Assert.Contains("step 'validate' failed in its child process", error.Message);
        Assert.Contains("/no/such/base/package", error.Message);
        Assert.Contains("paths are not accepted", error.Message);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

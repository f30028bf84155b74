using System.Diagnostics;
using System.Text.Json;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Steps;

/// <summary>
/// The child-process step runner against real processes: a step process that is killed (SIGKILL) or outgrows its memory
/// limit is retried with backoff up to the bound, then the step fails with every attempt's reason; a step that reports
/// its own error is not retried. The processes are shell and Python scripts standing where <c>transfer step</c> would.
/// </summary>
public sealed class ChildProcessStepExecutorTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly FileSystemObjectStore _store;

    public ChildProcessStepExecutorTests() => _store = new FileSystemObjectStore(_folder.Path);

    private string Attempts => Path.Combine(_folder.Path, "attempts");

    private int AttemptCount => File.Exists(Attempts) ? File.ReadAllLines(Attempts).Length : 0;

    /// <summary>A shell "step process": counts its attempt, then runs <paramref name="body"/>; $8/$6 is its output document's file.</summary>
    private IReadOnlyList<string> Shell(string body) => ["/bin/sh", "-c", $"echo x >> '{Attempts}'; {body}", "step-process"];

    private const string WriteOutput = "printf '{\"answer\":42}' > \"$8/$6\"";

    private static readonly ChildProcessLimits FastRetries = new() { MaxAttempts = 3, FirstRetryInterval = TimeSpan.FromMilliseconds(100), BackoffCoefficient = 2 };

    private static StepInvocation Invocation() => new("run-1", "adapt", 2, StoreJson.ToElement(new { data = "x" }));

    [Fact]
    public async Task A_step_process_killed_once_is_retried_and_its_output_returned()
    {
        var executor = new ChildProcessStepExecutor(_store, _folder.Path, Shell($"if [ $(wc -l < '{Attempts}') -lt 2 ]; then kill -9 $$; fi; {WriteOutput}"), FastRetries);

        var output = await executor.ExecuteAsync(Invocation(), CancellationToken.None);

        Assert.Equal(42, output.GetProperty("answer").GetInt32());
        Assert.Equal(2, AttemptCount);
    }

    [Fact]
    public async Task A_step_process_killed_on_every_attempt_fails_after_the_bound_with_each_reason_and_backs_off()
    {
        var executor = new ChildProcessStepExecutor(_store, _folder.Path, Shell("echo 'working' >&2; kill -9 $$"), FastRetries);
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => executor.ExecuteAsync(Invocation(), CancellationToken.None));

        Assert.Equal(3, AttemptCount);
        Assert.Contains("step 'adapt' failed in its child process 3 time(s), giving up", error.Message);
        Assert.Contains("attempt 1: killed by signal 9 (exit 137); attempt 2: killed by signal 9 (exit 137); attempt 3: killed by signal 9 (exit 137)", error.Message);
        Assert.Contains("working", error.Message);
        // Backoff of 100 ms, then 200 ms between the three attempts.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(300), $"took only {watch.Elapsed}");
    }

    [Fact]
    public async Task A_step_that_reports_its_own_error_is_not_retried()
    {
        var executor = new ChildProcessStepExecutor(_store, _folder.Path, Shell("echo 'error: the batch has one class' >&2; exit 2"), FastRetries);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => executor.ExecuteAsync(Invocation(), CancellationToken.None));

        Assert.Equal(1, AttemptCount);
        Assert.Equal("step 'adapt' failed in its child process (exit 2): error: the batch has one class", error.Message);
    }

    [Fact]
    public async Task A_step_process_over_its_memory_limit_is_killed_retried_and_then_fails_naming_the_limit()
    {
        var python = Environment.GetEnvironmentVariable("TF_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";
        // Touches 300 MB (bytearray zero-fills, so the pages are resident), then would idle far beyond the test.
        IReadOnlyList<string> command = ["/bin/sh", "-c", $"echo x >> '{Attempts}'; exec '{python}' -c 'import time; b = bytearray(300 << 20); time.sleep(60)'", "step-process"];
        var executor = new ChildProcessStepExecutor(_store, _folder.Path, command, FastRetries with { MaxAttempts = 2, MemoryLimitMb = 100 });
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => executor.ExecuteAsync(Invocation(), CancellationToken.None));

        Assert.Equal(2, AttemptCount);
        Assert.Contains("failed in its child process 2 time(s), giving up: attempt 1: exceeded the memory limit of 100 MB (resident ", error.Message);
        Assert.Contains("; attempt 2: exceeded the memory limit of 100 MB", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(50), "the processes were killed, not waited for");
    }

    [Fact]
    public async Task An_output_document_already_written_is_returned_without_starting_a_process()
    {
        var invocation = Invocation();
        await _store.WriteJsonAsync(StepDocuments.OutputKey(invocation), new { answer = 7 }, WriteCondition.CreateOnly);
        var executor = new ChildProcessStepExecutor(_store, _folder.Path, Shell("kill -9 $$"), FastRetries);

        var output = await executor.ExecuteAsync(invocation, CancellationToken.None);

        Assert.Equal(7, output.GetProperty("answer").GetInt32());
        Assert.Equal(0, AttemptCount);
    }

    [Fact]
    public async Task A_step_process_starts_at_the_configured_lower_priority()
    {
        // The step process writes its own nice value (field 19 of /proc/self/stat, read by the shell of the step) as its output.
        var executor = new ChildProcessStepExecutor(_store, _folder.Path, Shell("printf '{\"nice\":%s}' $(cut -d' ' -f19 /proc/$$/stat) > \"$8/$6\""), FastRetries with { Nice = 7 });

        var output = await executor.ExecuteAsync(Invocation(), CancellationToken.None);

        // Seven below this process (tests may themselves run niced), as far as 19, the lowest, allows.
        Assert.Equal(Math.Min(19, NiceOf("self") + 7), output.GetProperty("nice").GetInt32());
    }

    [Fact]
    public async Task Compute_steps_run_one_process_at_a_time()
    {
        // Each step process appends "start" and, after a pause, "end" to one log: two at once would interleave.
        var log = Path.Combine(_folder.Path, "log");
        var executor = new ChildProcessStepExecutor(_store, _folder.Path, Shell($"echo start >> '{log}'; sleep 0.5; echo end >> '{log}'; {WriteOutput}"), FastRetries);
        var steps = new[] { StepNames.Adapt, StepNames.TrainScratch, StepNames.ProbeBaseline }
            .Select((step, i) => executor.ExecuteAsync(new StepInvocation("run-1", step, i + 1, StoreJson.ToElement(new { data = i })), CancellationToken.None));

        await Task.WhenAll(steps);

        Assert.Equal(["start", "end", "start", "end", "start", "end"], File.ReadAllLines(log));
    }

    private static int NiceOf(string pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19 - 3], System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _folder.Dispose();
}

using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using TransferFunctions.Azure.Jobs;
using TransferFunctions.Functions.Containers;
using TransferFunctions.Functions.Orchestration;
using TransferFunctions.Functions.Steps;
using TransferFunctions.Functions.Tests.TestSupport;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Tests.Containers;

/// <summary>
/// The <c>RunStepInContainer</c> monitor under Durable Task's test host (real durable timers and replay), against
/// launchers that cannot be Azure here: a scripted job API and real child processes.
/// </summary>
public sealed class ContainerStepMonitorTests : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private readonly TemporaryFolder _folder = new();
    private readonly FileSystemObjectStore _store;

    public ContainerStepMonitorTests() => _store = new FileSystemObjectStore(_folder.Path);

    private static StepInvocation Step(string name = "adapt", int sequence = 3) =>
        new("run-c", name, sequence, StoreJson.ToElement(new { budget = 30 }));

    private static async Task<OrchestrationMetadata> MonitorAsync(DurableTestApp app, StepInvocation step, TimeSpan timeout)
    {
        var id = $"{step.InstanceId}:{step.Sequence:D3}-{step.StepName}:1";
        await app.Client.ScheduleNewOrchestrationInstanceAsync(DurableNames.RunStepInContainer,
            StoreJson.ToElement(new ContainerStepInput(step, Poll, timeout)), new StartOrchestrationOptions(id));
        // Generous: on a loaded 2-core CI machine starting a real child process alone has taken tens of seconds.
        using var limit = new CancellationTokenSource(timeout + TimeSpan.FromMinutes(5));
        return await app.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, limit.Token);
    }

    [Fact]
    public async Task Monitor_polls_until_the_execution_succeeds_then_returns_its_output_document()
    {
        var launcher = new ScriptedStepJobLauncher(_store, [(ContainerStepState.Running, "Processing"), (ContainerStepState.Running, "Running"), (ContainerStepState.Running, "Running"), (ContainerStepState.Succeeded, "Succeeded")]);
        await using var app = await DurableTestApp.StartAsync(_folder.Path, launcher: launcher);
        var step = Step();

        var done = await MonitorAsync(app, step, TimeSpan.FromMinutes(1));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var output = JsonDocument.Parse(done.SerializedOutput!).RootElement;
        Assert.Equal("adapt", output.GetProperty("step").GetString());
        Assert.Equal("exec-1", output.GetProperty("execution").GetString());
        var started = Assert.Single(launcher.Started);
        Assert.Equal(("adapt", StepDocuments.InputKey(step), StepDocuments.OutputKey(step)), started);
        Assert.Equal(4, launcher.PollsOf("exec-1"));
        // The container found its input document where the request said.
        var input = await _store.ReadJsonAsync<StepInvocation>(started.InputKey);
        Assert.Equal(30, input!.Value.Input.GetProperty("budget").GetInt32());
        Assert.Empty(launcher.Stopped);
    }

    [Fact]
    public async Task Failed_execution_fails_the_monitor_with_the_platforms_reason()
    {
        var launcher = new ScriptedStepJobLauncher(_store, [(ContainerStepState.Running, "Running"), (ContainerStepState.Failed, "exit code 137 (OOMKilled)")]);
        await using var app = await DurableTestApp.StartAsync(_folder.Path, launcher: launcher);

        var done = await MonitorAsync(app, Step(), TimeSpan.FromMinutes(1));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(typeof(StepJobFailedException).FullName, done.FailureDetails!.ErrorType);
        Assert.Equal("Step 'adapt' execution exec-1 ended Failed: exit code 137 (OOMKilled).", done.FailureDetails.ErrorMessage);
    }

    [Fact]
    public async Task Execution_past_its_timeout_is_stopped_and_fails_the_monitor()
    {
        var launcher = new ScriptedStepJobLauncher(_store, [(ContainerStepState.Running, "Running")]);
        await using var app = await DurableTestApp.StartAsync(_folder.Path, launcher: launcher);
        var started = DateTime.UtcNow;

        var done = await MonitorAsync(app, Step(), TimeSpan.FromSeconds(2));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Contains("did not finish within 00:00:02; it was stopped", done.FailureDetails!.ErrorMessage);
        Assert.Equal(["exec-1"], launcher.Stopped);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(2), "the deadline is a durable timer, not a count of polls");
    }

    [Fact]
    public async Task Step_whose_output_document_exists_is_not_started_again()
    {
        var launcher = new ScriptedStepJobLauncher(_store, [(ContainerStepState.Succeeded, "Succeeded")]);
        await using var app = await DurableTestApp.StartAsync(_folder.Path, launcher: launcher);
        var step = Step();
        await _store.WriteJsonAsync(StepDocuments.OutputKey(step), new { step = "adapt", execution = "an earlier one" });

        var done = await MonitorAsync(app, step, TimeSpan.FromMinutes(1));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("an earlier one", JsonDocument.Parse(done.SerializedOutput!).RootElement.GetProperty("execution").GetString());
        Assert.Empty(launcher.Started);
    }

    [Fact]
    public async Task Monitor_waits_for_a_real_process_and_reads_what_it_wrote()
    {
        // The "container" takes a while, then writes its output document (here: its input, copied).
        var launcher = new ChildProcessJobLauncher(_folder.Path, "sleep 2; cp \"$1\" \"$2\"");
        await using var app = await DurableTestApp.StartAsync(_folder.Path, launcher: launcher);
        var step = Step("evaluate", 7);

        var done = await MonitorAsync(app, step, TimeSpan.FromMinutes(5));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var output = StoreJson.Deserialize<StepInvocation>(System.Text.Encoding.UTF8.GetBytes(done.SerializedOutput!), "output");
        Assert.Equal(("run-c", "evaluate", 7), (output.InstanceId, output.StepName, output.Sequence));
    }

    [Fact]
    public async Task Real_process_that_exits_non_zero_fails_the_monitor()
    {
        var launcher = new ChildProcessJobLauncher(_folder.Path, "echo 'out of memory' >&2; exit 3");
        await using var app = await DurableTestApp.StartAsync(_folder.Path, launcher: launcher);

        var done = await MonitorAsync(app, Step(), TimeSpan.FromMinutes(1));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.EndsWith("ended Failed: exit code 3.", done.FailureDetails!.ErrorMessage);
    }

    [Fact]
    public async Task Real_process_past_its_timeout_is_killed()
    {
        var launcher = new ChildProcessJobLauncher(_folder.Path, "sleep 60");
        await using var app = await DurableTestApp.StartAsync(_folder.Path, launcher: launcher);

        var done = await MonitorAsync(app, Step(), TimeSpan.FromSeconds(2));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        var execution = Assert.Single(launcher.Stopped);
        Assert.False(launcher.IsRunning(execution));
    }

    /// <summary>A test orchestration that calls one step through the app's adapter with the container-job runner.</summary>
    private const string OneStep = "OneStep";

    private static void RegisterOneStep(DurableTaskRegistry registry, StepRunnerOptions options) =>
        registry.AddOrchestratorFunc<JsonElement>(OneStep, async context =>
        {
            var adapter = new DurableOrchestrationContext(context, options);
            try
            {
                return await adapter.CallStepAsync<JsonElement>("adapt", new { budget = 30 });
            }
            catch (StepFailedException ex)
            {
                return StoreJson.ToElement(new { failedStep = ex.StepName, ex.Failure.ErrorType, ex.Failure.Message });
            }
        });

    private static StepRunnerOptions ContainerRunner(int attempts) => new()
    {
        Runner = StepRunnerKinds.ContainerJob,
        MaxAttempts = attempts,
        FirstRetryInterval = TimeSpan.FromSeconds(1),
        ContainerPollInterval = Poll,
        ContainerTimeout = TimeSpan.FromMinutes(1),
    };

    private static async Task<JsonElement> RunOneStepAsync(DurableTestApp app)
    {
        var id = await app.Client.ScheduleNewOrchestrationInstanceAsync(OneStep);
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var done = await app.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, limit.Token);
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString());
        return JsonDocument.Parse(done.SerializedOutput!).RootElement;
    }

    [Fact]
    public async Task Adapter_retries_a_failed_container_step_after_a_backoff_in_a_fresh_execution()
    {
        var launcher = new ScriptedStepJobLauncher(_store, [(ContainerStepState.Failed, "node lost")], [(ContainerStepState.Running, "Running"), (ContainerStepState.Succeeded, "Succeeded")]);
        var options = ContainerRunner(attempts: 2);
        await using var app = await DurableTestApp.StartAsync(_folder.Path, options, launcher, more: r => RegisterOneStep(r, options));

        var output = await RunOneStepAsync(app);

        Assert.Equal("exec-2", output.GetProperty("execution").GetString());
        Assert.Equal(2, launcher.Started.Count);
    }

    [Fact]
    public async Task Adapter_turns_a_container_step_that_keeps_failing_into_the_cores_step_failure()
    {
        var launcher = new ScriptedStepJobLauncher(_store, [(ContainerStepState.Failed, "image pull failed")]);
        var options = ContainerRunner(attempts: 2);
        await using var app = await DurableTestApp.StartAsync(_folder.Path, options, launcher, more: r => RegisterOneStep(r, options));

        var output = await RunOneStepAsync(app);

        Assert.Equal("adapt", output.GetProperty("failedStep").GetString());
        Assert.Equal(nameof(StepJobFailedException), output.GetProperty("errorType").GetString());
        Assert.Equal("Step 'adapt' execution exec-2 ended Failed: image pull failed.", output.GetProperty("message").GetString());
        Assert.Equal(2, launcher.Started.Count);
    }

    public void Dispose() => _folder.Dispose();
}

using TransferFunctions.Functions.Orchestration;
using TransferFunctions.Functions.Tests.TestSupport;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Tests.Orchestration;

/// <summary>Runs of one project take turns (so promotions never race), and a cancel hands the turn on.</summary>
[Collection(PipelineCollection.Name)]
public sealed class ProjectTurnTests(TargetBatches batches) : IAsyncLifetime
{
    private readonly TemporaryFolder _folder = new();
    private DurableTestApp _app = null!;

    public async Task InitializeAsync() => _app = await DurableTestApp.StartAsync(_folder.Path);

    private Task<RunRecord?> Run(string id) => _app.Service.GetRunAsync(id);

    private static string? Step(RunRecord? run) =>
        run?.CustomStatus is { ValueKind: System.Text.Json.JsonValueKind.Object } status && status.TryGetProperty("step", out var step) ? step.GetString() : null;

    [Fact]
    public async Task Second_run_of_a_project_waits_for_the_first_and_a_cancel_hands_the_turn_on()
    {
        const string project = PipelineScenarios.Project;
        await batches.DeliverAsync(_folder.Path, project, "b1", perClass: 20);
        await _app.Service.SubmitAsync(PipelineScenarios.Request(PipelineScenarios.Lenient with { RequireApproval = true }), "run-a");
        var a = await Eventually.WaitAsync(() => Run("run-a"), r => r?.Status == RunStatus.WaitingForEvent || r?.IsTerminal == true, "run-a to wait for approval");
        Assert.True(a!.Status == RunStatus.WaitingForEvent, $"run-a is {a.Status}: {a.Failure?.Message} {a.Output}");
        // The second batch (arriving after the first run validated) is broken.
        await DeliverBrokenBatchAsync(_folder.Path, project, "b2");
        await _app.Service.SubmitAsync(new AdaptationRequest(project, "b2"), "run-b");
        var waiting = await Eventually.WaitAsync(() => Run("run-b"), r => Step(r) == AdaptModelFunctions.WaitingForProjectStep || r?.IsTerminal == true, "run-b to wait for its turn");

        Assert.Equal(RunStatus.Running, waiting!.Status);
        Assert.Equal(["run-a", "run-b"], await _app.Turns.ListAsync(project, CancellationToken.None));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(AdaptModelFunctions.WaitingForProjectStep, Step(await Run("run-b")));
        Assert.Equal(RunStatus.WaitingForEvent, (await Run("run-a"))!.Status);

        var canceled = await _app.Service.CancelAsync("run-a", "superseded by b2");

        Assert.Equal(RunStatus.Canceled, canceled.Status);
        Assert.Equal("superseded by b2", canceled.CancellationReason);
        var b = await _app.Service.WaitForCompletionAsync("run-b", TimeSpan.FromMinutes(5));
        Assert.Equal(RunStatus.Completed, b.Status);
        Assert.Equal("invalid-data", PipelineScenarios.Result(b).Outcome);
        Assert.Empty(await _app.Turns.ListAsync(project, CancellationToken.None));
        Assert.Null(await _app.Steps.Registry.GetChampionAsync(project, CancellationToken.None));
        // Approving a canceled run is refused with the run's state.
        var refused = await Assert.ThrowsAsync<Pipeline.Api.ConflictException>(() => _app.Service.ApproveAsync("run-a"));
        Assert.Contains("Canceled", refused.Message);
    }

    /// <summary>A batch whose only image is corrupt: once its run gets its turn, it ends quickly as invalid data.</summary>
    private static async Task DeliverBrokenBatchAsync(string storeRoot, string project, string batch)
    {
        var bad = Path.Combine(storeRoot, "datasets", project, batch, "Sandal");
        Directory.CreateDirectory(bad);
        await File.WriteAllBytesAsync(Path.Combine(bad, "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        await File.WriteAllTextAsync(Path.Combine(storeRoot, "datasets", project, batch, "_READY"), "");
    }

    [Fact]
    public async Task A_run_that_was_purged_while_it_held_the_turn_does_not_block_its_project()
    {
        const string project = "ghosts";
        await DeliverBrokenBatchAsync(_folder.Path, project, "b1");
        // What a purged (or deleted) head leaves behind: its id first in the queue, and no instance to hand the turn on.
        await _app.Store.WriteJsonAsync(Functions.Projects.ProjectTurnQueue.KeyOf(project), new Functions.Projects.ProjectTurnQueue(["purged-run"]), null, CancellationToken.None);

        await _app.Service.SubmitAsync(new AdaptationRequest(project, "b1"), "run-after-ghost");

        var done = await _app.Service.WaitForCompletionAsync("run-after-ghost", TimeSpan.FromMinutes(5));
        Assert.Equal("invalid-data", PipelineScenarios.Result(done).Outcome);
        Assert.Empty(await _app.Turns.ListAsync(project, CancellationToken.None));
    }

    [Fact]
    public async Task A_waiting_run_takes_the_turn_when_the_run_ahead_is_terminated_outside_the_api()
    {
        await using var app = await DurableTestApp.StartAsync(Path.Combine(_folder.Path, "recheck"), new Functions.Steps.StepRunnerOptions { ProjectTurnRecheckInterval = TimeSpan.FromSeconds(1) });
        var root = Path.Combine(_folder.Path, "recheck");
        const string project = PipelineScenarios.Project;
        await batches.DeliverAsync(root, project, "b1", perClass: 20);
        await app.Service.SubmitAsync(PipelineScenarios.Request(PipelineScenarios.Lenient with { RequireApproval = true }), "head");
        await Eventually.WaitAsync(() => app.Service.GetRunAsync("head"), r => r?.Status == RunStatus.WaitingForEvent || r?.IsTerminal == true, "head to wait for approval");
        await DeliverBrokenBatchAsync(root, project, "b2");
        await app.Service.SubmitAsync(new AdaptationRequest(project, "b2"), "next");
        await Eventually.WaitAsync(() => app.Service.GetRunAsync("next"), r => Step(r) == AdaptModelFunctions.WaitingForProjectStep || r?.IsTerminal == true, "next to wait for its turn");

        // Terminated by the Durable client itself (as from the portal): no cancel through the API, so nothing releases the turn.
        await app.Client.TerminateInstanceAsync("head", "terminated by an operator");

        var next = await app.Service.WaitForCompletionAsync("next", TimeSpan.FromMinutes(5));
        Assert.Equal("invalid-data", PipelineScenarios.Result(next).Outcome);
        Assert.Empty(await app.Turns.ListAsync(project, CancellationToken.None));
    }

    [Fact]
    public async Task Runs_of_different_projects_do_not_wait_for_each_other()
    {
        await batches.DeliverAsync(_folder.Path, "alpha", "b1", perClass: 20);
        await DeliverBrokenBatchAsync(_folder.Path, "beta", "b1");

        await _app.Service.SubmitAsync(new AdaptationRequest("alpha", "b1", "fine-tune", Policy: PipelineScenarios.Lenient with { RequireApproval = true }, Steps: 30), "run-alpha");
        await Eventually.WaitAsync(() => Run("run-alpha"), r => r?.Status == RunStatus.WaitingForEvent || r?.IsTerminal == true, "run-alpha to wait for approval");
        var beta = await _app.Service.SubmitAsync(new AdaptationRequest("beta", "b1"), "run-beta");

        var done = await _app.Service.WaitForCompletionAsync(beta.InstanceId, TimeSpan.FromMinutes(5));
        Assert.Equal("invalid-data", PipelineScenarios.Result(done).Outcome);
        Assert.Equal(RunStatus.WaitingForEvent, (await Run("run-alpha"))!.Status);
        await _app.Service.RejectAsync("run-alpha", "reviewer", "not now");
        var alpha = PipelineScenarios.Result(await _app.Service.WaitForCompletionAsync("run-alpha", TimeSpan.FromMinutes(5)));
        Assert.Equal("rejected", alpha.Outcome);
        Assert.Equal("reject: not now", alpha.Decision!.Summary);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }
}

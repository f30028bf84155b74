using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TransferFunctions.Functions.Projects;
using TransferFunctions.Functions.Steps;
using TransferFunctions.Pipeline.Observability;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Orchestrators;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Orchestration;

/// <summary>
/// The AdaptModel orchestration and the activity that runs its steps. The orchestrator is the core's
/// <see cref="AdaptModelOrchestrator"/>, unchanged, over <see cref="DurableOrchestrationContext"/>; around it the run
/// takes its project's turn (<see cref="ProjectTurns"/>) and gives it back, whatever the outcome.
/// </summary>
public sealed class AdaptModelFunctions(ObservedStepExecutor executor, ProjectTurns turns, IOptions<StepRunnerOptions> options)
{
    private readonly AdaptModelOrchestrator _orchestrator = new();

    /// <summary>The custom status of a run that waits for an earlier run of its project.</summary>
    public const string WaitingForProjectStep = "waiting-for-project";

    [Function(DurableNames.AdaptModel)]
    public async Task<JsonElement> AdaptModel([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var input = StoreJson.FromElement<RunInput>(context.GetInput<JsonElement>(), $"The input of run '{context.InstanceId}'")
            ?? throw new InvalidDataException($"Run '{context.InstanceId}' has no input.");
        var logger = context.CreateReplaySafeLogger<AdaptModelFunctions>();
        var turn = new ProjectTurnRequest(input.Project, context.InstanceId);
        var claim = await context.CallActivityAsync<ProjectTurnClaim>(DurableNames.ClaimProjectTurn, turn);
        while (claim.MustWait)
        {
            logger.LogInformation("Run {RunId} waits for run {Predecessor} of project {Project}", context.InstanceId, claim.Predecessor, input.Project);
            context.SetCustomStatus(StoreJson.ToElement(new { step = WaitingForProjectStep, after = claim.Predecessor }));
            try
            {
                await context.WaitForExternalEvent<JsonElement>(DurableNames.ProjectTurnEvent, options.Value.ProjectTurnRecheckInterval);
                break;
            }
            catch (TaskCanceledException)
            {
                // No hand-over within the interval: claim again, which drops runs ahead that ended without releasing.
                claim = await context.CallActivityAsync<ProjectTurnClaim>(DurableNames.ClaimProjectTurn, turn);
            }
        }

        try
        {
            var result = await _orchestrator.RunAsync(new DurableOrchestrationContext(context, options.Value), input);
            logger.LogInformation("Run {RunId} of project {Project}: {Outcome}", context.InstanceId, input.Project, result.Outcome);
            return StoreJson.ToElement(result);
        }
        finally
        {
            var next = await context.CallActivityAsync<string?>(DurableNames.ReleaseProjectTurn, turn);
            if (next is not null && next != context.InstanceId) context.SendEvent(next, DurableNames.ProjectTurnEvent, StoreJson.ToElement(context.InstanceId));
        }
    }

    /// <summary>Runs one step in this app's process through the core's executor (logged and traced, on the <c>Engine:Device</c> device).</summary>
    [Function(DurableNames.RunStep)]
    public async Task<JsonElement> RunStep([ActivityTrigger] JsonElement invocation, CancellationToken cancellationToken)
    {
        var step = StoreJson.FromElement<StepInvocation>(invocation, "The step invocation")
            ?? throw new InvalidDataException("The step invocation is JSON null.");
        var output = await executor.ExecuteAsync(step, cancellationToken);
        // Detached from the executor's document, so Durable serializes a value that nothing else owns.
        return output.Clone();
    }

    [Function(DurableNames.ClaimProjectTurn)]
    public Task<ProjectTurnClaim> ClaimProjectTurn([ActivityTrigger] ProjectTurnRequest request, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        turns.ClaimAsync(request, (run, ct) => IsLiveAsync(client, run, ct), cancellationToken);

    /// <summary>Whether a run still exists and has not ended; only such a run will hand its turn on.</summary>
    public static async Task<bool> IsLiveAsync(DurableTaskClient client, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instance = await client.GetInstanceAsync(runId, getInputsAndOutputs: false, cancellationToken);
        return instance?.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended;
    }

    [Function(DurableNames.ReleaseProjectTurn)]
    public Task<string?> ReleaseProjectTurn([ActivityTrigger] ProjectTurnRequest request, CancellationToken cancellationToken) =>
        turns.ReleaseAsync(request, cancellationToken);
}

using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TransferFunctions.Azure.Jobs;
using TransferFunctions.Functions.Orchestration;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Containers;

/// <summary>
/// A step as a container job execution, in the monitor pattern: write the input document, start the execution,
/// poll its status between durable timers until it succeeds, fails or runs out of time (then stop it), and read the
/// output document. Training never runs inside an activity (activities time out and are repeated after a host restart);
/// the activities here are short calls to the store and to the job API.
/// </summary>
public sealed class ContainerStepFunctions(IObjectStore store, IServiceProvider services)
{
    [Function(DurableNames.RunStepInContainer)]
    public async Task<JsonElement> RunStepInContainer([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var input = StoreJson.FromElement<ContainerStepInput>(context.GetInput<JsonElement>(), $"The input of {context.InstanceId}")!;
        var step = input.Invocation;
        var logger = context.CreateReplaySafeLogger<ContainerStepFunctions>();
        var prepared = await context.CallActivityAsync<PreparedContainerStep>(DurableNames.PrepareContainerStep, StoreJson.ToElement(step));
        if (!prepared.Done)
        {
            var execution = await context.CallActivityAsync<string>(DurableNames.StartStepJob,
                new StepJobRequest(step.InstanceId, step.StepName, prepared.InputKey, prepared.OutputKey));
            // The run's cancel reads the execution name from here to stop it.
            context.SetCustomStatus(StoreJson.ToElement(new ContainerStepProgress(execution, step.StepName)));
            logger.LogInformation("Run {RunId} step {Step} runs as execution {Execution}", step.InstanceId, step.StepName, execution);
            var deadline = context.CurrentUtcDateTime + input.Timeout;
            while (true)
            {
                var next = context.CurrentUtcDateTime + input.PollInterval;
                await context.CreateTimer(next < deadline ? next : deadline, CancellationToken.None);
                var status = await context.CallActivityAsync<ContainerStepStatus>(DurableNames.GetStepJobStatus, execution);
                if (status.State == ContainerStepState.Succeeded) break;
                if (status.IsFinished)
                {
                    throw new StepJobFailedException($"Step '{step.StepName}' execution {execution} ended {status.State}: {status.Message.TrimEnd('.')}.");
                }

                if (context.CurrentUtcDateTime >= deadline)
                {
                    await context.CallActivityAsync(DurableNames.StopStepJob, execution);
                    throw new StepJobFailedException($"Step '{step.StepName}' execution {execution} did not finish within {input.Timeout}; it was stopped.");
                }
            }
        }

        return await context.CallActivityAsync<JsonElement>(DurableNames.ReadStepOutput, prepared.OutputKey);
    }

    /// <summary>Writes the step's input document unless its output exists already (a step that finished is not run again).</summary>
    [Function(DurableNames.PrepareContainerStep)]
    public async Task<PreparedContainerStep> PrepareContainerStep([ActivityTrigger] JsonElement invocation, CancellationToken cancellationToken)
    {
        var step = StoreJson.FromElement<StepInvocation>(invocation, "The step invocation")!;
        var (inputKey, outputKey) = (StepDocuments.InputKey(step), StepDocuments.OutputKey(step));
        if (await store.GetPropertiesAsync(outputKey, cancellationToken) is not null) return new PreparedContainerStep(inputKey, outputKey, true);
        await store.WriteJsonAsync(inputKey, step, WriteCondition.Always, cancellationToken);
        return new PreparedContainerStep(inputKey, outputKey, false);
    }

    [Function(DurableNames.StartStepJob)]
    public Task<string> StartStepJob([ActivityTrigger] StepJobRequest request, CancellationToken cancellationToken) =>
        Launcher().StartAsync(request.StepName, request.InputKey, request.OutputKey, cancellationToken);

    [Function(DurableNames.GetStepJobStatus)]
    public Task<ContainerStepStatus> GetStepJobStatus([ActivityTrigger] string executionName, CancellationToken cancellationToken) =>
        Launcher().GetStatusAsync(executionName, cancellationToken);

    [Function(DurableNames.StopStepJob)]
    public Task StopStepJob([ActivityTrigger] string executionName, CancellationToken cancellationToken) =>
        Launcher().StopAsync(executionName, cancellationToken);

    [Function(DurableNames.ReadStepOutput)]
    public async Task<JsonElement> ReadStepOutput([ActivityTrigger] string outputKey, CancellationToken cancellationToken) =>
        (await store.ReadJsonAsync<JsonElement>(outputKey, cancellationToken))?.Value
        ?? throw new StepJobFailedException($"The step execution succeeded but wrote no output document {outputKey}.");

    private IContainerStepLauncher Launcher() => services.GetService<IContainerStepLauncher>()
        ?? throw new InvalidOperationException($"Steps:Runner is '{Steps.StepRunnerKinds.ContainerJob}' but no {nameof(IContainerStepLauncher)} is registered (AddContainerAppsStepLauncher: the ContainerApps section).");
}

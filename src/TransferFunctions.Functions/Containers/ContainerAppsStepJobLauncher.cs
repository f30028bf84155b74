using TransferFunctions.Azure.Jobs;

namespace TransferFunctions.Functions.Containers;

/// <summary>The monitor's <see cref="IStepJobLauncher"/> over the Azure library's Container Apps job client.</summary>
public sealed class ContainerAppsStepJobLauncher(IContainerStepLauncher launcher) : IStepJobLauncher
{
    public Task<string> StartAsync(StepJobRequest request, CancellationToken cancellationToken) =>
        launcher.StartAsync(request.StepName, request.InputKey, request.OutputKey, cancellationToken);

    public async Task<StepJobStatus> GetStatusAsync(string executionName, CancellationToken cancellationToken)
    {
        var status = await launcher.GetStatusAsync(executionName, cancellationToken);
        var state = status.State switch
        {
            ContainerStepState.Succeeded => StepJobState.Succeeded,
            ContainerStepState.Failed => StepJobState.Failed,
            ContainerStepState.Stopped => StepJobState.Stopped,
            _ => StepJobState.Running,
        };
        return new StepJobStatus(state, $"{status.ServiceStatus}: {status.Message}");
    }

    public Task StopAsync(string executionName, CancellationToken cancellationToken) => launcher.StopAsync(executionName, cancellationToken);
}

using System.Collections.Concurrent;
using TransferFunctions.Azure.Jobs;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>
/// Executions that do what the step container's <c>transfer step NAME --input KEY --output KEY</c> does
/// (<see cref="StepDocuments.ExecuteAsync"/> with the real steps), in the background of this process.
/// </summary>
public sealed class InProcessJobLauncher(IObjectStore store, IStepExecutor executor) : IContainerStepLauncher
{
    private readonly ConcurrentDictionary<string, (Task Work, CancellationTokenSource Stop)> _executions = new();

    public int Executions => _executions.Count;

    public Task<string> StartAsync(string step, string inputKey, string outputKey, CancellationToken cancellationToken = default)
    {
        var name = $"{step}-{Guid.NewGuid():N}";
        var stop = new CancellationTokenSource();
        _executions[name] = (Task.Run(() => StepDocuments.ExecuteAsync(store, executor, inputKey, outputKey, stop.Token), CancellationToken.None), stop);
        return Task.FromResult(name);
    }

    public Task<ContainerStepStatus> GetStatusAsync(string executionName, CancellationToken cancellationToken = default)
    {
        var work = _executions[executionName].Work;
        var (state, message) = work.Status switch
        {
            TaskStatus.RanToCompletion => (ContainerStepState.Succeeded, "succeeded"),
            TaskStatus.Canceled => (ContainerStepState.Stopped, "stopped"),
            TaskStatus.Faulted => (ContainerStepState.Failed, work.Exception!.GetBaseException().Message),
            _ => (ContainerStepState.Running, "running"),
        };
        return Task.FromResult(new ContainerStepStatus(executionName, state, state.ToString(), message, null, null));
    }

    public Task StopAsync(string executionName, CancellationToken cancellationToken = default) => _executions[executionName].Stop.CancelAsync();
}

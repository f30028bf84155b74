using System.Collections.Concurrent;
using TransferFunctions.Functions.Containers;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>
/// Executions that do what the step container's <c>transfer step NAME --input KEY --output KEY</c> does
/// (<see cref="StepDocuments.ExecuteAsync"/> with the real steps), in the background of this process.
/// </summary>
public sealed class InProcessJobLauncher(IObjectStore store, IStepExecutor executor) : IStepJobLauncher
{
    private readonly ConcurrentDictionary<string, (Task Work, CancellationTokenSource Stop)> _executions = new();

    public int Executions => _executions.Count;

    public Task<string> StartAsync(StepJobRequest request, CancellationToken cancellationToken)
    {
        var name = $"{request.RunId}-{request.StepName}-{Guid.NewGuid():N}";
        var stop = new CancellationTokenSource();
        _executions[name] = (Task.Run(() => StepDocuments.ExecuteAsync(store, executor, request.InputKey, request.OutputKey, stop.Token), CancellationToken.None), stop);
        return Task.FromResult(name);
    }

    public Task<StepJobStatus> GetStatusAsync(string executionName, CancellationToken cancellationToken)
    {
        var work = _executions[executionName].Work;
        return Task.FromResult(work.Status switch
        {
            TaskStatus.RanToCompletion => new StepJobStatus(StepJobState.Succeeded),
            TaskStatus.Canceled => new StepJobStatus(StepJobState.Stopped),
            TaskStatus.Faulted => new StepJobStatus(StepJobState.Failed, work.Exception!.GetBaseException().Message),
            _ => new StepJobStatus(StepJobState.Running),
        });
    }

    public Task StopAsync(string executionName, CancellationToken cancellationToken) => _executions[executionName].Stop.CancelAsync();
}

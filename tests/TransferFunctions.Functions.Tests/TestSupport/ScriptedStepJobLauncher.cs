using System.Collections.Concurrent;
using TransferFunctions.Functions.Containers;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>
/// A stand-in for the Container Apps job API (ARM cannot run here): each execution reports the scripted states in
/// order (the last one repeats); an execution that reports Succeeded has written its output document first, as the
/// step container does.
/// </summary>
public sealed class ScriptedStepJobLauncher(IObjectStore store, params StepJobStatus[][] scripts) : IStepJobLauncher
{
    private readonly ConcurrentDictionary<string, (StepJobRequest Request, int Polls)> _executions = new();

    public ConcurrentQueue<StepJobRequest> Started { get; } = new();
    public ConcurrentQueue<string> Stopped { get; } = new();

    public int PollsOf(string execution) => _executions[execution].Polls;

    public Task<string> StartAsync(StepJobRequest request, CancellationToken cancellationToken)
    {
        Started.Enqueue(request);
        var name = $"exec-{Started.Count}";
        _executions[name] = (request, 0);
        return Task.FromResult(name);
    }

    public async Task<StepJobStatus> GetStatusAsync(string executionName, CancellationToken cancellationToken)
    {
        var (request, polls) = _executions[executionName];
        var script = scripts[Math.Min(int.Parse(executionName["exec-".Length..]) - 1, scripts.Length - 1)];
        var status = script[Math.Min(polls, script.Length - 1)];
        _executions[executionName] = (request, polls + 1);
        if (status.State == StepJobState.Succeeded)
        {
            await store.WriteJsonAsync(request.OutputKey, new { step = request.StepName, execution = executionName }, WriteCondition.Always, cancellationToken);
        }

        return status;
    }

    public Task StopAsync(string executionName, CancellationToken cancellationToken)
    {
        Stopped.Enqueue(executionName);
        return Task.CompletedTask;
    }
}

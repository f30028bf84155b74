using System.Collections.Concurrent;
using TransferFunctions.Azure.Jobs;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>
/// A stand-in for the Container Apps job API (ARM cannot run here; the Azure library's own tests replay recorded ARM
/// conversations): each execution reports the scripted states in order (the last one repeats), with the scripted
/// message; an execution that reports Succeeded has written its output document first, as the step container does.
/// </summary>
public sealed class ScriptedStepJobLauncher(IObjectStore store, params (ContainerStepState State, string Message)[][] scripts) : IContainerStepLauncher
{
    private readonly ConcurrentDictionary<string, (string Step, string OutputKey, int Polls)> _executions = new();

    /// <summary>The starts, in order: step, input key, output key.</summary>
    public ConcurrentQueue<(string Step, string InputKey, string OutputKey)> Started { get; } = new();
    public ConcurrentQueue<string> Stopped { get; } = new();

    public int PollsOf(string execution) => _executions[execution].Polls;

    public Task<string> StartAsync(string step, string inputKey, string outputKey, CancellationToken cancellationToken = default)
    {
        Started.Enqueue((step, inputKey, outputKey));
        var name = $"exec-{Started.Count}";
        _executions[name] = (step, outputKey, 0);
        return Task.FromResult(name);
    }

    public async Task<ContainerStepStatus> GetStatusAsync(string executionName, CancellationToken cancellationToken = default)
    {
        var (step, outputKey, polls) = _executions[executionName];
        var script = scripts[Math.Min(int.Parse(executionName["exec-".Length..]) - 1, scripts.Length - 1)];
        var (state, message) = script[Math.Min(polls, script.Length - 1)];
        _executions[executionName] = (step, outputKey, polls + 1);
        if (state == ContainerStepState.Succeeded)
        {
            await store.WriteJsonAsync(outputKey, new { step, execution = executionName }, WriteCondition.Always, cancellationToken);
        }

        return new ContainerStepStatus(executionName, state, state.ToString(), message, null, null);
    }

    public Task StopAsync(string executionName, CancellationToken cancellationToken = default)
    {
        Stopped.Enqueue(executionName);
        return Task.CompletedTask;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using TransferFunctions.Azure.Jobs;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>
/// Each execution is a real child process running a shell script with the step's input and output documents as
/// files of the filesystem store (<c>$1</c>, <c>$2</c>): its exit code is the execution's outcome, Stop kills it.
/// </summary>
public sealed class ChildProcessJobLauncher(string storeRoot, string script) : IContainerStepLauncher
{
    private readonly ConcurrentDictionary<string, Process> _processes = new();

    public ConcurrentQueue<string> Stopped { get; } = new();

    public Task<string> StartAsync(string step, string inputKey, string outputKey, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var argument in new[] { "-c", script, step, Path.Combine(storeRoot, inputKey), Path.Combine(storeRoot, outputKey) }) info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start /bin/sh");
        var name = $"pid-{process.Id}";
        _processes[name] = process;
        return Task.FromResult(name);
    }

    public Task<ContainerStepStatus> GetStatusAsync(string executionName, CancellationToken cancellationToken = default)
    {
        var process = _processes[executionName];
        var (state, message) = !process.HasExited ? (ContainerStepState.Running, "running")
            : process.ExitCode == 0 ? (ContainerStepState.Succeeded, "exit code 0")
            : (ContainerStepState.Failed, $"exit code {process.ExitCode}");
        return Task.FromResult(new ContainerStepStatus(executionName, state, state.ToString(), message, null, null));
    }

    public Task StopAsync(string executionName, CancellationToken cancellationToken = default)
    {
        Stopped.Enqueue(executionName);
        var process = _processes[executionName];
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        return Task.CompletedTask;
    }

    /// <summary>True when the execution's process is still alive.</summary>
    public bool IsRunning(string executionName) => !_processes[executionName].HasExited;
}

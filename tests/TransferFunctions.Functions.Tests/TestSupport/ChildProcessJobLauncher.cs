using System.Collections.Concurrent;
using System.Diagnostics;
using TransferFunctions.Functions.Containers;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>
/// Each execution is a real child process running a shell script with the step's input and output documents as
/// files of the filesystem store (<c>$1</c>, <c>$2</c>): its exit code is the execution's outcome, Stop kills it.
/// </summary>
public sealed class ChildProcessJobLauncher(string storeRoot, string script) : IStepJobLauncher
{
    private readonly ConcurrentDictionary<string, Process> _processes = new();

    public ConcurrentQueue<string> Stopped { get; } = new();

    public Task<string> StartAsync(StepJobRequest request, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var argument in new[] { "-c", script, "step", Path.Combine(storeRoot, request.InputKey), Path.Combine(storeRoot, request.OutputKey) }) info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start /bin/sh");
        var name = $"pid-{process.Id}";
        _processes[name] = process;
        return Task.FromResult(name);
    }

    public Task<StepJobStatus> GetStatusAsync(string executionName, CancellationToken cancellationToken)
    {
        var process = _processes[executionName];
        return Task.FromResult(!process.HasExited ? new StepJobStatus(StepJobState.Running)
            : process.ExitCode == 0 ? new StepJobStatus(StepJobState.Succeeded)
            : new StepJobStatus(StepJobState.Failed, $"exit code {process.ExitCode}"));
    }

    public Task StopAsync(string executionName, CancellationToken cancellationToken)
    {
        Stopped.Enqueue(executionName);
        var process = _processes[executionName];
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        return Task.CompletedTask;
    }

    /// <summary>True when the execution's process is still alive.</summary>
    public bool IsRunning(string executionName) => !_processes[executionName].HasExited;
}

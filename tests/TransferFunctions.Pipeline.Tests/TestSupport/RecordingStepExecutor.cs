using System.Collections.Concurrent;
using System.Text.Json;
using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Pipeline.Tests.TestSupport;

/// <summary>
/// Wraps a real executor, counts executions per (step, input) and can "kill the process" at the
/// n-th execution: it stops the runner (as a crash would) and the step never reports back.
/// </summary>
public sealed class RecordingStepExecutor(IStepExecutor inner) : IStepExecutor
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private int _executions;

    /// <summary>1-based number of the execution during which the runner is stopped; 0 for never.</summary>
    public int CrashAtExecution { get; set; }

    /// <summary>Cancelled to stop the runner at the crash point.</summary>
    public CancellationTokenSource? RunnerStop { get; set; }

    public int TotalExecutions => Volatile.Read(ref _executions);

    public static string CallKey(string step, JsonElement input) => $"{step}({input.GetRawText().Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal)})";

    public int CountOf(string step, JsonElement input) => _counts.GetValueOrDefault(CallKey(step, input));

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(_counts);

    public async Task<JsonElement> ExecuteAsync(StepInvocation invocation, CancellationToken cancellationToken)
    {
        _counts.AddOrUpdate(CallKey(invocation.StepName, invocation.Input), 1, (_, n) => n + 1);
        var number = Interlocked.Increment(ref _executions);
        if (number == CrashAtExecution && RunnerStop is not null)
        {
            await RunnerStop.CancelAsync();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return await inner.ExecuteAsync(invocation, cancellationToken);
    }
}

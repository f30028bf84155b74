using System.Collections.Concurrent;
using System.Text.Json;
using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Azure.Tests.TestSupport;

/// <summary>
/// Wraps the real step executor: counts how often each step ran (started and finished its work), and runs an action
/// once when a named step has done its work, before the runner sees the result (the moment a fault hurts most: the
/// work is done, nothing is journaled yet).
/// </summary>
public sealed class StepProbe(IStepExecutor inner) : IStepExecutor
{
    private readonly ConcurrentDictionary<string, int> _started = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _finished = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<StepInvocation, Task>> _after = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="action"/> once, after the next execution of <paramref name="step"/> did its work.</summary>
    public void After(string step, Func<StepInvocation, Task> action) => _after[step] = action;

    /// <summary>How often <paramref name="step"/> started.</summary>
    public int Started(string step) => _started.GetValueOrDefault(step);

    /// <summary>How often <paramref name="step"/> finished its work (with a result).</summary>
    public int Finished(string step) => _finished.GetValueOrDefault(step);

    public async Task<JsonElement> ExecuteAsync(StepInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        _started.AddOrUpdate(invocation.StepName, 1, (_, n) => n + 1);
        var output = await inner.ExecuteAsync(invocation, cancellationToken);
        _finished.AddOrUpdate(invocation.StepName, 1, (_, n) => n + 1);
        if (_after.TryRemove(invocation.StepName, out var action)) await action(invocation);
        return output;
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>Runs steps as handlers registered by name in this process.</summary>
public sealed class InProcessStepExecutor : IStepExecutor
{
    private readonly ConcurrentDictionary<string, Func<StepInvocation, CancellationToken, Task<JsonElement>>> _handlers = new(StringComparer.Ordinal);

    /// <summary>The registered step names.</summary>
    public IReadOnlyCollection<string> StepNames => _handlers.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Registers a handler over raw JSON documents.</summary>
    public InProcessStepExecutor Register(string name, Func<StepInvocation, CancellationToken, Task<JsonElement>> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_handlers.TryAdd(name, handler))
        {
            throw new InvalidOperationException($"A step named '{name}' is already registered.");
        }

        return this;
    }

    /// <summary>Registers a typed handler; input and output go through <see cref="StoreJson"/>.</summary>
    public InProcessStepExecutor Register<TInput, TOutput>(string name, Func<TInput, CancellationToken, Task<TOutput>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Register(name, async (invocation, cancellationToken) =>
        {
            var input = StoreJson.FromElement<TInput>(invocation.Input, $"The input of step '{name}'")!;
            var output = await handler(input, cancellationToken).ConfigureAwait(false);
            return StoreJson.ToElement(output);
        });
    }

    public Task<JsonElement> ExecuteAsync(StepInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (!_handlers.TryGetValue(invocation.StepName, out var handler))
        {
            throw new InvalidOperationException(
                $"No step named '{invocation.StepName}' is registered; registered steps: {string.Join(", ", StepNames)}.");
        }

        return handler(invocation, cancellationToken);
    }
}

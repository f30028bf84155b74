using System.Text.Json;

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>
/// Runs steps by name: JSON input document in, JSON output document out. Implementations run them
/// in-process, as child processes or as container jobs; a step may run more than once (at-least-once
/// after a crash), so steps must be idempotent. A thrown exception is a step failure.
/// </summary>
public interface IStepExecutor
{
    Task<JsonElement> ExecuteAsync(StepInvocation invocation, CancellationToken cancellationToken);
}

using System.Text.Json;
using Microsoft.Extensions.Logging;
using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Cli.Hosting;

/// <summary>Holds the step <see cref="FaultInjectionOptions"/> names before or after its work; every other step passes straight through.</summary>
public sealed class FaultInjectingStepExecutor(IStepExecutor inner, FaultInjectionOptions options, ILogger<FaultInjectingStepExecutor> logger) : IStepExecutor
{
    /// <summary>The start of the log line a held step writes (fault tests wait for it).</summary>
    public const string HoldingMessage = "fault injection: holding step";

    public async Task<JsonElement> ExecuteAsync(StepInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (invocation.StepName == options.PauseBeforeStep) await HoldAsync(invocation, "before", cancellationToken);
        var output = await inner.ExecuteAsync(invocation, cancellationToken);
        if (invocation.StepName == options.PauseAfterStep) await HoldAsync(invocation, "after", cancellationToken);
        return output;
    }

    private async Task HoldAsync(StepInvocation invocation, string when, CancellationToken cancellationToken)
    {
        logger.LogWarning(HoldingMessage + " {Step} of run {RunId} {When} its work for {PauseFor}", invocation.StepName, invocation.InstanceId, when, options.PauseFor);
        await Task.Delay(options.PauseFor, cancellationToken);
    }
}

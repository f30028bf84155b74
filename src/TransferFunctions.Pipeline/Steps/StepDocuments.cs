using System.Globalization;
using System.Text.Json;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// Step inputs and outputs as documents in the store (<c>runs/{id}/steps/{seq}-{name}.input.json</c>
/// and <c>.output.json</c>), the contract between the orchestrator's host and an isolated step
/// runner: a child process here, a Container Apps job on Azure.
/// </summary>
public static class StepDocuments
{
    public static string InputKey(StepInvocation s) => Key(s, "input");
    public static string OutputKey(StepInvocation s) => Key(s, "output");

    private static string Key(StepInvocation s, string kind) =>
        $"runs/{s.InstanceId}/steps/{s.Sequence.ToString("D3", CultureInfo.InvariantCulture)}-{s.StepName}.{kind}.json";

    /// <summary>
    /// Runs the step the input document describes unless its output document exists already (a step
    /// re-run after a crash returns the first result), then writes the output document.
    /// </summary>
    public static async Task<JsonElement> ExecuteAsync(IObjectStore store, IStepExecutor executor, string inputKey, string outputKey, CancellationToken cancellationToken)
    {
        var existing = await store.ReadJsonAsync<JsonElement>(outputKey, cancellationToken);
        if (existing is not null) return existing.Value;
        var invocation = (await store.ReadJsonAsync<StepInvocation>(inputKey, cancellationToken))?.Value
            ?? throw new FileNotFoundException($"step input document {inputKey} does not exist");
        var output = await executor.ExecuteAsync(invocation, cancellationToken);
        await store.WriteJsonAsync(outputKey, output, WriteCondition.Always, cancellationToken);
        return output;
    }
}

using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// Every step's output document in the store, <c>runs/{id}/outputs/{step}.json</c> (the latest attempt of a step that
/// runs again, e.g. evaluate after the champion moved), so later steps read what they need by key instead of receiving
/// it through the orchestration.
/// </summary>
public static class StepOutputs
{
    public static string Key(string runId, string step) => $"runs/{runId}/outputs/{step}.json";

    public static Task WriteAsync<T>(IObjectStore store, string runId, string step, T output, CancellationToken cancellationToken) =>
        store.WriteAsync(Key(runId, step), StoreJson.Serialize(output), WriteCondition.Always, cancellationToken);

    /// <summary>The step's output, or default when the run has none (the step did not run, e.g. no training after invalid data).</summary>
    public static async Task<T?> ReadAsync<T>(IObjectStore store, string runId, string step, CancellationToken cancellationToken)
    {
        var key = Key(runId, step);
        var stored = await store.ReadAsync(key, cancellationToken);
        return stored is null ? default : StoreJson.Deserialize<T>(stored.Content.Span, key);
    }
}

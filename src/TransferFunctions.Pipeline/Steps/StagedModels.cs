using TransferFunctions.Learning.Models;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>Models trained by a run, kept under <c>runs/{id}/{role}/</c> until (and after) the decision: staged, never half-registered.</summary>
public static class StagedModels
{
    public static string Prefix(string runId, string role) => $"runs/{runId}/{role}/";

    /// <summary>Writes weights first and model.json last, so a staged model with a card is complete.</summary>
    public static async Task<string> SaveAsync(IObjectStore store, string runId, string role, ModelPackage package, CancellationToken cancellationToken)
    {
        var prefix = Prefix(runId, role);
        var (weights, card) = package.Serialize();
        await store.WriteAsync(prefix + ModelPackage.WeightsFile, weights, WriteCondition.Always, cancellationToken);
        await store.WriteAsync(prefix + ModelPackage.CardFile, ModelCardJson.Serialize(card), WriteCondition.Always, cancellationToken);
        return card.WeightsDigest;
    }

    public static async Task<(ModelCard Card, byte[] Weights)> ReadAsync(IObjectStore store, string prefix, CancellationToken cancellationToken)
    {
        var cardObject = await store.ReadAsync(prefix + ModelPackage.CardFile, cancellationToken)
            ?? throw new FileNotFoundException($"staged model {prefix} has no {ModelPackage.CardFile}");
        var card = ModelCardJson.Parse(cardObject.Content.Span, prefix + ModelPackage.CardFile);
        // A staged card always states its digest (SaveAsync writes it); one without would skip the check at load.
        if (string.IsNullOrWhiteSpace(card.WeightsDigest))
            throw new InvalidDataException($"staged model {prefix} states no weights digest; its weights cannot be verified");
        var weights = await store.ReadAsync(prefix + ModelPackage.WeightsFile, cancellationToken)
            ?? throw new FileNotFoundException($"staged model {prefix} has no {ModelPackage.WeightsFile}");
        return (card, weights.Content.ToArray());
    }

    public static async Task<ModelPackage> LoadAsync(IObjectStore store, string prefix, CancellationToken cancellationToken)
    {
        var (card, weights) = await ReadAsync(store, prefix, cancellationToken);
        return ModelPackage.FromBytes(card, weights, prefix);
    }
}

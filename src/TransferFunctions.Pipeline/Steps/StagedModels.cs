using System.Text.Json;
using TransferFunctions.Learning.Models;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>Models trained by a run, kept under <c>runs/{id}/{role}/</c> until (and after) the decision: staged, never half-registered.</summary>
public static class StagedModels
{
    public static string Prefix(string runId, string role) => $"runs/{runId}/{role}/";

    /// <summary>Writes weights first and model.json last, so a staged model with a manifest is complete.</summary>
    public static async Task<string> SaveAsync(IObjectStore store, string runId, string role, ModelPackage package, CancellationToken cancellationToken)
    {
        var prefix = Prefix(runId, role);
        var (weights, manifest) = package.Serialize();
        await store.WriteAsync(prefix + ModelPackage.WeightsFile, weights, WriteCondition.Always, cancellationToken);
        await store.WriteAsync(prefix + ModelPackage.ManifestFile, JsonSerializer.SerializeToUtf8Bytes(manifest, ModelPackage.JsonOptions), WriteCondition.Always, cancellationToken);
        return manifest.WeightsDigest;
    }

    public static async Task<(ModelManifest Manifest, byte[] Weights)> ReadAsync(IObjectStore store, string prefix, CancellationToken cancellationToken)
    {
        var manifestObject = await store.ReadAsync(prefix + ModelPackage.ManifestFile, cancellationToken)
            ?? throw new FileNotFoundException($"staged model {prefix} has no {ModelPackage.ManifestFile}");
        var manifest = JsonSerializer.Deserialize<ModelManifest>(manifestObject.Content.Span, ModelPackage.JsonOptions)
            ?? throw new InvalidDataException($"{prefix}{ModelPackage.ManifestFile} is empty");
        // A staged manifest always states its digest (SaveAsync writes it); one without would skip the check at load.
        if (string.IsNullOrWhiteSpace(manifest.WeightsDigest))
            throw new InvalidDataException($"staged model {prefix} states no weights digest; its weights cannot be verified");
        var weights = await store.ReadAsync(prefix + ModelPackage.WeightsFile, cancellationToken)
            ?? throw new FileNotFoundException($"staged model {prefix} has no {ModelPackage.WeightsFile}");
        return (manifest, weights.Content.ToArray());
    }

    public static async Task<ModelPackage> LoadAsync(IObjectStore store, string prefix, CancellationToken cancellationToken)
    {
        var (manifest, weights) = await ReadAsync(store, prefix, cancellationToken);
        return ModelPackage.FromBytes(manifest, weights, prefix);
    }
}

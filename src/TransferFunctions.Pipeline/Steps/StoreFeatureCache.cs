using TransferFunctions.Learning.Strategies;
using TransferFunctions.Pipeline.Storage;
using TorchSharp;
using static TorchSharp.torch;
using TransferFunctions.Learning.Engine;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// The feature cache in the store, at <c>features/{backbone-digest}/{dataset-digest}.safetensors</c>,
/// shared by every run and step runner that sees the store. Synchronous because strategies are
/// CPU-bound code running on a worker thread.
/// </summary>
public sealed class StoreFeatureCache(IObjectStore store) : IFeatureCache
{
    public static string KeyOf(FeatureCacheKey key) => $"features/{key.BackboneDigest}/{key.DatasetDigest}.safetensors";

    public IReadOnlyDictionary<string, Tensor>? TryLoad(FeatureCacheKey key)
    {
        var stored = store.ReadAsync(KeyOf(key)).GetAwaiter().GetResult();
        if (stored is null) return null;
        try
        {
            var file = Safetensors.Deserialize(stored.Content.Span, KeyOf(key));
            return file.Tensors;
        }
        catch (InvalidDataException)
        {
            // A damaged entry is recomputed and overwritten rather than failing the run.
            return null;
        }
    }

    public void Store(FeatureCacheKey key, IReadOnlyDictionary<string, Tensor> features) =>
        store.WriteAsync(KeyOf(key), Safetensors.Serialize(features), WriteCondition.Always).GetAwaiter().GetResult();
}

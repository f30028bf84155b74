using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// Features of frozen backbones, kept so no run recomputes what an earlier one computed. Entries are named feature
/// matrices ("train", "validation", "unlabeled") under a <see cref="FeatureCacheKey"/>.
/// </summary>
/// <remarks>
/// Synchronous on purpose: it is called from inside the synchronous, compute-bound strategies. A remote store is
/// wrapped by staging its blobs in a local folder (the pipeline's feature step does that), not called from here.
/// </remarks>
public interface IFeatureCache
{
    /// <summary>The cached feature matrices (the caller owns and disposes them), or null when absent or unreadable.</summary>
    IReadOnlyDictionary<string, Tensor>? TryLoad(FeatureCacheKey key);

    /// <summary>Stores (or replaces) the entry; the caller keeps ownership of the tensors.</summary>
    void Store(FeatureCacheKey key, IReadOnlyDictionary<string, Tensor> features);
}

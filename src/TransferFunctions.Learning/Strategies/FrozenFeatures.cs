using TransferFunctions.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// The base backbone's features of the target data's train and validation inputs, from the cache when an earlier run
/// computed them, else computed once (and stored). Owns its tensors.
/// </summary>
public sealed class FrozenFeatures : IDisposable
{
    public const string TrainName = "train";
    public const string ValidationName = "validation";

    private FrozenFeatures(Tensor train, Tensor? validation, FeatureCacheKey key, int computed, bool cacheHit)
    {
        Train = train;
        Validation = validation;
        Key = key;
        ExamplesComputed = computed;
        CacheHit = cacheHit;
    }

    public Tensor Train { get; }
    public Tensor? Validation { get; }
    public FeatureCacheKey Key { get; }

    /// <summary>Examples passed through the backbone (0 on a cache hit).</summary>
    public int ExamplesComputed { get; }

    public bool CacheHit { get; }

    /// <summary>Features of <paramref name="data"/> under <paramref name="backbone"/>, through <paramref name="cache"/> when given.</summary>
    public static FrozenFeatures Get(ResNet backbone, TargetData data, IFeatureCache? cache, CancellationToken cancellationToken = default)
    {
        var key = new FeatureCacheKey(FeatureExtractor.BackboneDigest(backbone), data.Digest ?? DataDigest(data));
        if (cache?.TryLoad(key) is { } cached)
        {
            if (cached.TryGetValue(TrainName, out var t) && t.size(0) == data.TrainCount
                && (!data.HasValidation || cached.TryGetValue(ValidationName, out var v) && v.size(0) == data.ValidationInputs!.size(0)))
            {
                foreach (var (name, tensor) in cached)
                    if (name is not (TrainName or ValidationName)) tensor.Dispose();
                return new FrozenFeatures(t.DetachFromDisposeScope(), data.HasValidation ? cached[ValidationName].DetachFromDisposeScope() : null, key, 0, true);
            }
            // An entry that does not fit the data (e.g. a digest collision of hand-given digests) is recomputed.
            foreach (var tensor in cached.Values) tensor.Dispose();
        }

        var train = FeatureExtractor.Extract(backbone, data.TrainInputs, cancellationToken).DetachFromDisposeScope();
        var validation = data.HasValidation ? FeatureExtractor.Extract(backbone, data.ValidationInputs!, cancellationToken).DetachFromDisposeScope() : null;
        var computed = (int)(data.TrainCount + (validation?.size(0) ?? 0));
        if (cache is not null)
        {
            var entry = new Dictionary<string, Tensor> { [TrainName] = train };
            if (validation is not null) entry[ValidationName] = validation;
            cache.Store(key, entry);
        }
        return new FrozenFeatures(train, validation, key, computed, false);
    }

    /// <summary>Digest of the inputs whose features are cached (labels do not change features, so they are left out).</summary>
    public static string DataDigest(TargetData data)
    {
        var parts = new Dictionary<string, Tensor> { [TrainName] = data.TrainInputs };
        if (data.HasValidation) parts[ValidationName] = data.ValidationInputs!;
        return FeatureExtractor.ContentDigest(parts);
    }

    public void Dispose()
    {
        Train.Dispose();
        Validation?.Dispose();
    }
}

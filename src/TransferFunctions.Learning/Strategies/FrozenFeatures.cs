using TransferFunctions.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// The base backbone's features of the target data's train and validation inputs: per example from the cache when an
/// earlier run computed them (content hash × backbone digest), else computed (only those) and stored. Owns its tensors.
/// </summary>
public sealed class FrozenFeatures : IDisposable
{
    private FrozenFeatures(Tensor train, Tensor? validation, string backboneDigest, int computed, int cached)
    {
        Train = train;
        Validation = validation;
        BackboneDigest = backboneDigest;
        ExamplesComputed = computed;
        ExamplesCached = cached;
    }

    public Tensor Train { get; }
    public Tensor? Validation { get; }

    /// <summary>The backbone the features belong to (<see cref="FeatureExtractor.BackboneDigest"/>).</summary>
    public string BackboneDigest { get; }

    /// <summary>Examples passed through the backbone (0 when the cache had every one).</summary>
    public int ExamplesComputed { get; }

    /// <summary>Examples whose features came from the cache.</summary>
    public int ExamplesCached { get; }

    /// <summary>True when no example went through the backbone.</summary>
    public bool CacheHit => ExamplesComputed == 0;

    /// <summary>Features of <paramref name="data"/> under <paramref name="backbone"/>, through <paramref name="cache"/> when given.</summary>
    public static FrozenFeatures Get(ResNet backbone, TargetData data, IFeatureCache? cache, CancellationToken cancellationToken = default)
    {
        var digest = FeatureExtractor.BackboneDigest(backbone);
        var parts = data.HasValidation ? new[] { data.TrainInputs, data.ValidationInputs! } : new[] { data.TrainInputs };
        var features = Lookup(backbone, digest, parts, cache, out var computed, cancellationToken);
        var total = parts.Sum(p => (int)p.size(0));
        return new FrozenFeatures(features[0], data.HasValidation ? features[1] : null, digest, computed, total - computed);
    }

    /// <summary>
    /// Features of every row of each of <paramref name="parts"/>: cached rows gathered from their chunks, the rest
    /// extracted and stored as one new chunk. Returns one detached tensor per part, on the CPU when a cache is used.
    /// </summary>
    private static Tensor[] Lookup(ResNet backbone, string digest, IReadOnlyList<Tensor> parts, IFeatureCache? cache, out int computed, CancellationToken cancellationToken)
    {
        if (cache is null)
        {
            computed = parts.Sum(p => (int)p.size(0));
            return parts.Select(p => FeatureExtractor.Extract(backbone, p, cancellationToken).DetachFromDisposeScope()).ToArray();
        }

        using var scope = NewDisposeScope();
        // Every example by content hash, with where it sits (part, row); duplicates share one entry.
        var positions = new Dictionary<string, List<(int Part, int Row)>>(StringComparer.Ordinal);
        for (var p = 0; p < parts.Count; p++)
        {
            var hashes = FeatureExtractor.ExampleDigests(parts[p]);
            for (var r = 0; r < hashes.Length; r++)
            {
                if (!positions.TryGetValue(hashes[r], out var at)) positions[hashes[r]] = at = [];
                at.Add((p, r));
            }
        }
        var found = new Dictionary<string, Tensor>(StringComparer.Ordinal);

        foreach (var chunk in cache.Chunks(digest))
        {
            var hits = chunk.Examples.Select((hash, row) => (hash, row)).Where(e => positions.ContainsKey(e.hash) && !found.ContainsKey(e.hash)).ToList();
            if (hits.Count == 0) continue;
            var features = cache.Load(digest, chunk.Id);
            // A chunk whose features are missing, unreadable or of another length is no hit: its examples are recomputed.
            if (features is null || features.size(0) != chunk.Examples.Count) continue;
            foreach (var (hash, row) in hits) found[hash] = features[row];
        }

        var missing = positions.Keys.Where(h => !found.ContainsKey(h)).OrderBy(h => positions[h][0].Part).ThenBy(h => positions[h][0].Row).ToList();
        computed = missing.Count;
        if (missing.Count > 0)
        {
            // The new examples, part by part in row order, through the backbone once.
            var pieces = new List<Tensor>();
            for (var p = 0; p < parts.Count; p++)
            {
                var rows = missing.Select(h => positions[h][0]).Where(at => at.Part == p).Select(at => (long)at.Row).ToArray();
                if (rows.Length > 0) pieces.Add(parts[p].index_select(0, tensor(rows)));
            }
            var extracted = FeatureExtractor.Extract(backbone, cat(pieces, 0), cancellationToken).cpu();
            cache.Store(digest, FeatureChunk.Of(missing), extracted);
            for (var m = 0; m < missing.Count; m++) found[missing[m]] = extracted[m];
        }

        var result = new Tensor[parts.Count];
        for (var p = 0; p < parts.Count; p++)
        {
            var count = (int)parts[p].size(0);
            var hashesOfPart = new string[count];
            foreach (var (hash, at) in positions)
                foreach (var (part, row) in at)
                    if (part == p) hashesOfPart[row] = hash;
            result[p] = count == 0
                ? zeros(0L, backbone.FeatureDimension).DetachFromDisposeScope()
                : stack(hashesOfPart.Select(h => found[h]).ToArray(), 0).DetachFromDisposeScope();
        }
        return result;
    }

    public void Dispose()
    {
        Train.Dispose();
        Validation?.Dispose();
    }
}

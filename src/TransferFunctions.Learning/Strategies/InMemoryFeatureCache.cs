using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// Per-example features kept in memory for the life of the cache (e.g. one benchmark comparing several strategies on
/// the same data). Stores and hands out copies, so callers may dispose what they get.
/// </summary>
public sealed class InMemoryFeatureCache : IFeatureCache, IDisposable
{
    private readonly Dictionary<string, Dictionary<string, (FeatureChunk Chunk, Tensor Features)>> _backbones = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>Chunks held, over all backbones.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _backbones.Values.Sum(b => b.Count);
        }
    }

    public IReadOnlyList<FeatureChunk> Chunks(string backboneDigest)
    {
        lock (_gate)
            return _backbones.TryGetValue(backboneDigest, out var chunks) ? chunks.Values.Select(c => c.Chunk).ToList() : [];
    }

    public Tensor? Load(string backboneDigest, string chunkId)
    {
        lock (_gate)
            return _backbones.TryGetValue(backboneDigest, out var chunks) && chunks.TryGetValue(chunkId, out var entry) ? entry.Features.clone() : null;
    }

    public void Store(string backboneDigest, FeatureChunk chunk, Tensor features)
    {
        var copy = features.clone().DetachFromDisposeScope();
        lock (_gate)
        {
            if (!_backbones.TryGetValue(backboneDigest, out var chunks)) _backbones[backboneDigest] = chunks = new(StringComparer.Ordinal);
            if (chunks.Remove(chunk.Id, out var old)) old.Features.Dispose();
            chunks[chunk.Id] = (chunk, copy);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var (_, features) in _backbones.Values.SelectMany(b => b.Values)) features.Dispose();
            _backbones.Clear();
        }
    }
}

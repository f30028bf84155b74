using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// Features kept in memory for the life of the cache (e.g. one benchmark or one pipeline run comparing several
/// strategies on the same data). Stores and hands out copies, so callers may dispose what they get.
/// </summary>
public sealed class InMemoryFeatureCache : IFeatureCache, IDisposable
{
    private readonly Dictionary<FeatureCacheKey, Dictionary<string, Tensor>> _entries = new();
    private readonly object _gate = new();

    public int Count
    {
        get
        {
            lock (_gate) return _entries.Count;
        }
    }

    public IReadOnlyDictionary<string, Tensor>? TryLoad(FeatureCacheKey key)
    {
        lock (_gate)
            return _entries.TryGetValue(key, out var entry)
                ? entry.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope())
                : null;
    }

    public void Store(FeatureCacheKey key, IReadOnlyDictionary<string, Tensor> features)
    {
        var copy = features.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
        lock (_gate)
        {
            if (_entries.Remove(key, out var old)) Dispose(old);
            _entries[key] = copy;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var entry in _entries.Values) Dispose(entry);
            _entries.Clear();
        }
    }

    private static void Dispose(Dictionary<string, Tensor> entry)
    {
        foreach (var t in entry.Values) t.Dispose();
    }
}

using TransferFunctions.Learning.Strategies;
using TransferFunctions.Pipeline.Storage;
using TorchSharp;
using static TorchSharp.torch;
using TransferFunctions.Learning.Engine;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// The per-example feature cache in the store, shared by every run and step runner that sees the store: chunks at
/// <c>features/{backbone-digest}/{chunk}.safetensors</c> with their example hashes in <c>{chunk}.examples</c>, written
/// last. Synchronous because strategies are CPU-bound code running on a worker thread.
/// </summary>
public sealed class StoreFeatureCache(IObjectStore store) : IFeatureCache
{
    public static string FolderOf(string backboneDigest) => $"features/{backboneDigest}/";

    public IReadOnlyList<FeatureChunk> Chunks(string backboneDigest) => ChunksAsync(backboneDigest).GetAwaiter().GetResult();

    public Tensor? Load(string backboneDigest, string chunkId)
    {
        var key = FolderOf(backboneDigest) + chunkId + FeatureChunk.FeaturesSuffix;
        var stored = store.ReadAsync(key).GetAwaiter().GetResult();
        if (stored is null) return null;
        try
        {
            return Safetensors.Deserialize(stored.Content.Span, key).Tensors.GetValueOrDefault("features");
        }
        catch (InvalidDataException)
        {
            // A damaged entry is recomputed rather than failing the run.
            return null;
        }
    }

    public void Store(string backboneDigest, FeatureChunk chunk, Tensor features)
    {
        var folder = FolderOf(backboneDigest);
        store.WriteAsync(folder + chunk.Id + FeatureChunk.FeaturesSuffix, Safetensors.Serialize(new Dictionary<string, Tensor> { ["features"] = features }), WriteCondition.Always).GetAwaiter().GetResult();
        store.WriteAsync(folder + chunk.Id + FeatureChunk.ExamplesSuffix, chunk.ExamplesFile(), WriteCondition.Always).GetAwaiter().GetResult();
    }

    private async Task<IReadOnlyList<FeatureChunk>> ChunksAsync(string backboneDigest)
    {
        var folder = FolderOf(backboneDigest);
        var chunks = new List<FeatureChunk>();
        await foreach (var item in store.ListAsync(folder))
        {
            if (!item.Key.EndsWith(FeatureChunk.ExamplesSuffix, StringComparison.Ordinal)) continue;
            var stored = await store.ReadAsync(item.Key);
            var id = item.Key[folder.Length..^FeatureChunk.ExamplesSuffix.Length];
            if (stored is not null && FeatureChunk.Parse(id, stored.Content.Span) is { } chunk) chunks.Add(chunk);
        }
        return chunks;
    }
}

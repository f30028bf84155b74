using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// Features of frozen backbones per example (content hash × backbone digest), so no run recomputes what an earlier one
/// computed and a new batch extracts only its new examples. Entries are written in chunks (the examples one extraction
/// computed, rows in the order of <see cref="FeatureChunk.Examples"/>); <see cref="FrozenFeatures"/> does the per-example
/// lookup over them, so every implementation only stores chunks.
/// </summary>
/// <remarks>
/// Synchronous on purpose: it is called from inside the synchronous, compute-bound strategies.
/// </remarks>
public interface IFeatureCache
{
    /// <summary>The complete chunks cached for <paramref name="backboneDigest"/> (a chunk whose features cannot be read is left out or a miss later).</summary>
    IReadOnlyList<FeatureChunk> Chunks(string backboneDigest);

    /// <summary>The features of a chunk, [examples, dimension] on the CPU (the caller owns and disposes them), or null when absent or unreadable.</summary>
    Tensor? Load(string backboneDigest, string chunkId);

    /// <summary>Stores a chunk; the caller keeps ownership of <paramref name="features"/>. Storing the same chunk again replaces it.</summary>
    void Store(string backboneDigest, FeatureChunk chunk, Tensor features);
}

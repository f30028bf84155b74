using TorchSharp;
using static TorchSharp.torch;
using TransferFunctions.Learning.Engine;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// Features as safetensors files at <c>{directory}/{backbone digest}/{dataset digest}.safetensors</c> (the storage
/// layout's <c>features/</c> folder). Writes are atomic, so a reader never sees half a file; a corrupt file is a miss.
/// </summary>
public sealed class FileSystemFeatureCache(string directory) : IFeatureCache
{
    public string Directory { get; } = Path.GetFullPath(directory);

    public string PathOf(FeatureCacheKey key) =>
        Path.Combine(Directory, SafeName(key.BackboneDigest), SafeName(key.DatasetDigest) + ".safetensors");

    public IReadOnlyDictionary<string, Tensor>? TryLoad(FeatureCacheKey key)
    {
        var path = PathOf(key);
        if (!File.Exists(path)) return null;
        try
        {
            // The file's tensors are handed over to the caller, so the SafetensorsFile itself is not disposed.
            var file = Safetensors.Load(path);
            return file.Tensors;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    public void Store(FeatureCacheKey key, IReadOnlyDictionary<string, Tensor> features) =>
        Safetensors.Save(PathOf(key), features, new Dictionary<string, string> { ["backbone"] = key.BackboneDigest, ["dataset"] = key.DatasetDigest });

    // Digests are hex; anything else is refused rather than allowed to walk out of the cache folder.
    private static string SafeName(string digest)
    {
        if (digest.Length == 0 || digest.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw new ArgumentException($"'{digest}' is not a valid cache key part (letters, digits, '-' and '_' only)");
        return digest;
    }
}

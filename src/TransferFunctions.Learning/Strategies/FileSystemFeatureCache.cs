using TorchSharp;
using static TorchSharp.torch;
using TransferFunctions.Learning.Engine;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// Per-example features in a folder, at <c>{directory}/{backbone digest}/{chunk}.safetensors</c> with the chunk's
/// example hashes in <c>{chunk}.examples</c> beside it (the storage layout's <c>features/</c> folder). The examples
/// file is written last and atomically, so a listed chunk is complete; a corrupt file is a miss.
/// </summary>
public sealed class FileSystemFeatureCache(string directory) : IFeatureCache
{
    public string Directory { get; } = Path.GetFullPath(directory);

    public string FolderOf(string backboneDigest) => Path.Combine(Directory, SafeName(backboneDigest));

    public IReadOnlyList<FeatureChunk> Chunks(string backboneDigest)
    {
        var folder = FolderOf(backboneDigest);
        if (!System.IO.Directory.Exists(folder)) return [];
        return System.IO.Directory.EnumerateFiles(folder, "*" + FeatureChunk.ExamplesSuffix)
            .Order(StringComparer.Ordinal)
            .Select(path => FeatureChunk.Parse(Path.GetFileName(path)[..^FeatureChunk.ExamplesSuffix.Length], File.ReadAllBytes(path)))
            .OfType<FeatureChunk>()
            .ToList();
    }

    public Tensor? Load(string backboneDigest, string chunkId)
    {
        var path = Path.Combine(FolderOf(backboneDigest), SafeName(chunkId) + FeatureChunk.FeaturesSuffix);
        if (!File.Exists(path)) return null;
        try
        {
            return Safetensors.Load(path).Tensors.GetValueOrDefault("features");
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    public void Store(string backboneDigest, FeatureChunk chunk, Tensor features)
    {
        var folder = FolderOf(backboneDigest);
        System.IO.Directory.CreateDirectory(folder);
        Safetensors.Save(Path.Combine(folder, SafeName(chunk.Id) + FeatureChunk.FeaturesSuffix), new Dictionary<string, Tensor> { ["features"] = features });
        var examples = Path.Combine(folder, chunk.Id + FeatureChunk.ExamplesSuffix);
        var temp = examples + $".{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, chunk.ExamplesFile());
        File.Move(temp, examples, overwrite: true);
    }

    // Digests are hex; anything else is refused rather than allowed to walk out of the cache folder.
    private static string SafeName(string digest)
    {
        if (digest.Length == 0 || digest.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw new ArgumentException($"'{digest}' is not a valid cache key part (letters, digits, '-' and '_' only)");
        return digest;
    }
}

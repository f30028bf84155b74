using System.Security.Cryptography;
using System.Text;

namespace TransferFunctions.Learning.Strategies;

/// <summary>Features one extraction computed: the content hashes of its examples, in row order, under a stable id.</summary>
/// <param name="Id">Hex digest of the example hashes (the same examples always make the same chunk).</param>
/// <param name="Examples">Content hash of each row (<see cref="Models.FeatureExtractor.ExampleDigests"/>).</param>
public sealed record FeatureChunk(string Id, IReadOnlyList<string> Examples)
{
    /// <summary>Name of a chunk's features file beside its examples file (<c>{id}.examples</c>).</summary>
    public const string FeaturesSuffix = ".safetensors";

    /// <summary>The examples file, written after the features: a chunk with one is complete.</summary>
    public const string ExamplesSuffix = ".examples";

    public static FeatureChunk Of(IReadOnlyList<string> examples) =>
        new(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(string.Join("\n", examples)))), examples);

    /// <summary>The examples file: one content hash per line, in row order.</summary>
    public byte[] ExamplesFile() => Encoding.ASCII.GetBytes(string.Join("\n", Examples));

    /// <summary>Reads an examples file; null when it is not one (a damaged entry is a miss, not an error).</summary>
    public static FeatureChunk? Parse(string id, ReadOnlySpan<byte> examplesFile)
    {
        var examples = Encoding.ASCII.GetString(examplesFile).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return examples.Length > 0 && examples.All(e => e.Length == 64 && e.All(char.IsAsciiHexDigit)) ? new FeatureChunk(id, examples) : null;
    }
}

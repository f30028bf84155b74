using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TransferFunctions.Learning.Data;

/// <summary>
/// The bytes that identify an example, independent of its name: the file's bytes, an in-memory image's
/// pixels, or an embedding's feature values.
/// </summary>
public static class ExampleContent
{
    /// <summary>Reads the content of <paramref name="example"/>; throws <see cref="DatasetFormatException"/> naming a missing or escaping file.</summary>
    public static async Task<byte[]> ReadAsync(DatasetDescription dataset, ExampleRecord example, CancellationToken cancellationToken = default)
    {
        if (example.Path is { } relative)
        {
            var source = dataset.SourceFile ?? dataset.Root;
            var full = DatasetPaths.Resolve(dataset.Root, relative, source, example.SourceLine);
            if (!File.Exists(full))
                throw new DatasetFormatException(source, example.SourceLine, $"file '{relative}' does not exist");
            return await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false);
        }
        return InMemoryBytes(dataset, example).ToArray();
    }

    /// <summary>Lower-case hex SHA-256 of <paramref name="content"/>.</summary>
    public static string Hash(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>The content of an in-memory example (no I/O).</summary>
    internal static ReadOnlySpan<byte> InMemoryBytes(DatasetDescription dataset, ExampleRecord example)
    {
        var index = example.Index ?? throw new ArgumentException($"example {example.DisplayName} has neither a path nor an index");
        if (dataset.Images is { } images)
            return images.Image(index).Span;
        if (dataset.Embeddings is { } embeddings)
            return MemoryMarshal.AsBytes(embeddings.Row(index).Span);
        throw new ArgumentException($"example #{index} is in-memory but the dataset holds no in-memory images or embeddings");
    }

    /// <summary>
    /// Fills in <see cref="ExampleRecord.ContentHash"/> for every example lacking one, reading files with at most
    /// <paramref name="maxParallelism"/> concurrent reads.
    /// </summary>
    public static async Task<DatasetDescription> HashAllAsync(DatasetDescription dataset, int maxParallelism = 4, CancellationToken cancellationToken = default)
    {
        var examples = dataset.Examples.ToArray();
        await Parallel.ForAsync(0, examples.Length,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxParallelism), CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                if (examples[i].ContentHash is not null)
                    return;
                var hash = examples[i].Path is null
                    ? Hash(InMemoryBytes(dataset, examples[i]))
                    : Hash(await ReadAsync(dataset, examples[i], ct).ConfigureAwait(false));
                examples[i] = examples[i] with { ContentHash = hash };
            }).ConfigureAwait(false);
        return dataset with { Examples = examples };
    }
}

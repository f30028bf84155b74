using System.Buffers.Binary;

namespace TransferFunctions.Learning.Data;

/// <summary>
/// Assigns train/validation/test from the SHA-256 of each example's content, so an example keeps its split
/// whatever else is added to the dataset and whatever it is named. A split given by the user always wins.
/// </summary>
public sealed class StableSplitter(SplitRatios? ratios = null)
{
    public SplitRatios Ratios { get; } = ratios ?? SplitRatios.Default;

    /// <summary>Maps a content hash (hex SHA-256) to a number in [0, 1) using its first 53 bits.</summary>
    public static double UnitInterval(string contentHash)
    {
        if (contentHash.Length < 16)
            throw new ArgumentException($"content hash '{contentHash}' is too short; expected hex SHA-256");
        var prefix = Convert.FromHexString(contentHash.AsSpan(0, 16));
        return (BinaryPrimitives.ReadUInt64BigEndian(prefix) >> 11) / (double)(1UL << 53);
    }

    /// <summary>The split for a content hash under <see cref="Ratios"/>.</summary>
    public DatasetSplit SplitFor(string contentHash)
    {
        var u = UnitInterval(contentHash);
        if (u < Ratios.Train)
            return DatasetSplit.Train;
        return u < Ratios.Train + Ratios.Validation ? DatasetSplit.Validation : DatasetSplit.Test;
    }

    /// <summary>The user's split when given, else the split of the example's content hash.</summary>
    public DatasetSplit Assign(ExampleRecord example) =>
        example.Split ?? SplitFor(example.ContentHash
            ?? throw new ArgumentException($"example {example.Location} has no content hash yet; hash it first (ExampleContent.HashAllAsync)"));

    /// <summary>Hashes every example's content (bounded parallel reads) and fills in the splits the user left open.</summary>
    public async Task<DatasetDescription> AssignAsync(DatasetDescription dataset, int maxParallelism = 4, CancellationToken cancellationToken = default)
    {
        var hashed = await ExampleContent.HashAllAsync(dataset, maxParallelism, cancellationToken).ConfigureAwait(false);
        return hashed with { Examples = hashed.Examples.Select(e => e with { Split = Assign(e) }).ToArray() };
    }
}

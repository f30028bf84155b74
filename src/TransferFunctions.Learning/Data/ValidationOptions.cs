namespace TransferFunctions.Learning.Data;

/// <summary>Settings of <see cref="DatasetValidator"/>; the defaults suit small image-classification batches.</summary>
public sealed record ValidationOptions
{
    /// <summary>Default pixel ceiling: 4096 x 4096.</summary>
    public const long DefaultMaxPixels = 4096L * 4096;

    /// <summary>Split ratios for examples without a user-given split.</summary>
    public SplitRatios SplitRatios { get; init; } = SplitRatios.Default;

    /// <summary>Classes with fewer examples (all splits together) get a warning.</summary>
    public int MinExamplesPerClass { get; init; } = 5;

    /// <summary>Images with more pixels are errors, found from the header before any pixel is decoded.</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>When set, a label outside this vocabulary is an error.</summary>
    public IReadOnlyCollection<string>? ExpectedLabels { get; init; }

    /// <summary>An image whose width or height is this many times above or below the median is a size outlier.</summary>
    public double SizeOutlierFactor { get; init; } = 4.0;

    /// <summary>Files read and decoded concurrently.</summary>
    public int MaxParallelism { get; init; } = 4;

    /// <summary>Decode every image fully (not just its header) to prove it is readable.</summary>
    public bool DecodeImages { get; init; } = true;
}

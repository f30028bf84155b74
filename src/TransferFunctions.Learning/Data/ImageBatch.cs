namespace TransferFunctions.Learning.Data;

/// <summary>
/// A batch of images as managed floats in [N, C, H, W] order with class indices into the dataset's label
/// vocabulary.
/// </summary>
public sealed record ImageBatch
{
    public required int Epoch { get; init; }

    /// <summary>Position of this batch within its epoch.</summary>
    public required int Index { get; init; }

    /// <summary>Pixel values, [Count, Channels, Height, Width] row-major.</summary>
    public required float[] Pixels { get; init; }

    public required int Count { get; init; }
    public required int Channels { get; init; }
    public required int Height { get; init; }
    public required int Width { get; init; }

    /// <summary>Class index of each image in <see cref="DatasetDescription.Labels"/>.</summary>
    public required int[] Labels { get; init; }

    /// <summary>Class indices of each extra (multi-task) label column; -1 where an example has no value.</summary>
    public required IReadOnlyDictionary<string, int[]> ExtraLabels { get; init; }

    /// <summary>The examples in batch order, for tracing predictions back to files.</summary>
    public required IReadOnlyList<ExampleRecord> Examples { get; init; }

    public long[] Shape => [Count, Channels, Height, Width];
}

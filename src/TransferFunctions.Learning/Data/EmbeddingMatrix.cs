namespace TransferFunctions.Learning.Data;

/// <summary>Precomputed feature vectors, row-major [Count, Dimension].</summary>
public sealed record EmbeddingMatrix
{
    public EmbeddingMatrix(float[] features, int count, int dimension)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (count < 0 || dimension <= 0)
            throw new ArgumentException($"invalid embedding matrix shape [{count}, {dimension}]");
        if (features.LongLength != (long)count * dimension)
            throw new ArgumentException($"embedding matrix holds {features.LongLength} values, expected {count}x{dimension}");
        Features = features;
        Count = count;
        Dimension = dimension;
    }

    public float[] Features { get; }
    public int Count { get; }
    public int Dimension { get; }

    /// <summary>The feature vector of row <paramref name="index"/>.</summary>
    public ReadOnlyMemory<float> Row(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"embedding #{index} is outside the {Count} rows");
        return new ReadOnlyMemory<float>(Features, index * Dimension, Dimension);
    }
}

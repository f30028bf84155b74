namespace TransferFunctions.Learning.Analysis;

/// <summary>Settings of the MMD domain distance.</summary>
/// <param name="MaxSamplesPerSide">Each side is subsampled without replacement to at most this many rows; cost is quadratic in it.</param>
/// <param name="Seed">Seed of the subsampling, so the distance is reproducible.</param>
/// <param name="Bandwidth">Gaussian kernel width σ; null uses the median heuristic.</param>
public sealed record MmdOptions(int MaxSamplesPerSide = 1000, int Seed = 0, double? Bandwidth = null)
{
    public static MmdOptions Default { get; } = new();
}

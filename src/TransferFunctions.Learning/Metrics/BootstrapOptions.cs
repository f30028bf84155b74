namespace TransferFunctions.Learning.Metrics;

/// <summary>Settings of a percentile bootstrap.</summary>
/// <param name="Level">Coverage of the interval, in (0, 1); 0.95 gives the 2.5th and 97.5th percentiles.</param>
/// <param name="Resamples">Number of resamples with replacement; 1000 is the usual default for 95% percentile intervals.</param>
/// <param name="Seed">Seed of the <see cref="System.Random"/> drawing the resamples, so a report is reproducible.</param>
public sealed record BootstrapOptions(double Level = 0.95, int Resamples = 1000, int Seed = 0)
{
    public static BootstrapOptions Default { get; } = new();
}

namespace TransferFunctions.Learning.Metrics;

/// <summary>A statistic on the full sample with its percentile bootstrap confidence interval.</summary>
/// <param name="Estimate">The statistic on the original examples.</param>
/// <param name="Lower">Lower percentile, (1 − Level)/2, of the resampled statistic.</param>
/// <param name="Upper">Upper percentile, (1 + Level)/2, of the resampled statistic.</param>
/// <param name="Level">Coverage the interval was built for.</param>
/// <param name="Resamples">Number of bootstrap resamples used.</param>
/// <param name="Seed">Seed the resamples were drawn with.</param>
public sealed record BootstrapInterval(double Estimate, double Lower, double Upper, double Level, int Resamples, int Seed);

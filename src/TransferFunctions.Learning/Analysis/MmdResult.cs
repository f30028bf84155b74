namespace TransferFunctions.Learning.Analysis;

/// <summary>Squared maximum mean discrepancy between two feature samples.</summary>
/// <param name="SquaredMmd">Unbiased estimate of MMD²; can be slightly negative when the distributions are equal.</param>
/// <param name="Bandwidth">The Gaussian kernel width σ used, in feature units.</param>
/// <param name="SourceSamples">Source rows used after subsampling.</param>
/// <param name="TargetSamples">Target rows used after subsampling.</param>
public sealed record MmdResult(double SquaredMmd, double Bandwidth, int SourceSamples, int TargetSamples);

using TransferFunctions.Learning.Metrics;

namespace TransferFunctions.Learning.Evaluation;

/// <summary>Model A against model B on the same examples.</summary>
/// <param name="AccuracyA">Accuracy of A.</param>
/// <param name="AccuracyB">Accuracy of B.</param>
/// <param name="McNemar">Exact McNemar test on the paired correctness (A right/B wrong vs A wrong/B right).</param>
/// <param name="AccuracyDifference">Paired bootstrap 95% interval of accuracy(A) − accuracy(B).</param>
public sealed record ModelComparison(double AccuracyA, double AccuracyB, McNemarResult McNemar, BootstrapInterval AccuracyDifference)
{
    /// <summary>A is more accurate and the difference is significant at <paramref name="alpha"/>.</summary>
    public bool ABetter(double alpha = 0.05) => AccuracyA > AccuracyB && McNemar.PValue < alpha;
}

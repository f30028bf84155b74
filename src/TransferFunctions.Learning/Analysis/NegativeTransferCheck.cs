using TransferFunctions.Learning.Evaluation;

namespace TransferFunctions.Learning.Analysis;

/// <summary>Whether adapting a pretrained model did worse than (or no better than) training from scratch.</summary>
/// <param name="IsNegative">True when the adapted model's accuracy is not above scratch's.</param>
/// <param name="AccuracyGap">Adapted minus scratch accuracy.</param>
/// <param name="Comparison">The paired test on the shared test set.</param>
/// <param name="Explanation">One sentence for reports.</param>
public sealed record NegativeTransferCheck(bool IsNegative, double AccuracyGap, ModelComparison Comparison, string Explanation);

using TransferFunctions.Learning.Metrics;

namespace TransferFunctions.Learning.Analysis;

/// <summary>Whether adapting a pretrained model did worse than (or no better than) training from scratch on the same test examples.</summary>
/// <param name="AdaptedAccuracy">Accuracy of the adapted model.</param>
/// <param name="ScratchAccuracy">Accuracy of the from-scratch baseline.</param>
/// <param name="McNemar">The paired test: how the two split the test examples, and whether the difference is more than noise.</param>
public sealed record NegativeTransferCheck(double AdaptedAccuracy, double ScratchAccuracy, McNemarResult McNemar)
{
    /// <summary>True when the adapted model is not more accurate than scratch.</summary>
    public bool IsNegative => AccuracyGap <= 0;

    /// <summary>Adapted minus scratch accuracy.</summary>
    public double AccuracyGap => AdaptedAccuracy - ScratchAccuracy;

    /// <summary>One sentence for reports.</summary>
    public string Explanation => IsNegative
        ? $"negative transfer: adapted {AdaptedAccuracy:P2} is not better than scratch {ScratchAccuracy:P2} (only adapted right on {McNemar.OnlyACorrect} test examples, only scratch on {McNemar.OnlyBCorrect}; McNemar p = {McNemar.PValue:G3})"
        : $"positive transfer: adapted {AdaptedAccuracy:P2} vs scratch {ScratchAccuracy:P2}, +{AccuracyGap * 100:F2} points (McNemar p = {McNemar.PValue:G3})";
}

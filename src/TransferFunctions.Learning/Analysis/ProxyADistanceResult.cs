namespace TransferFunctions.Learning.Analysis;

/// <summary>Proxy A-distance between two domains: how well a linear classifier tells their features apart.</summary>
/// <param name="Distance">2·(1 − 2·error), in [0, 2]: 0 when the domains are indistinguishable, 2 when perfectly separable.</param>
/// <param name="ClassifierError">Held-out error of the source-vs-target classifier, capped at ½ (chance).</param>
/// <param name="TrainExamples">Examples the classifier was fitted on (half of each side).</param>
/// <param name="TestExamples">Held-out examples the error was measured on.</param>
public sealed record ProxyADistanceResult(double Distance, double ClassifierError, int TrainExamples, int TestExamples);

namespace TransferFunctions.Learning.Metrics;

/// <summary>Outcome of McNemar's exact test on two models' paired predictions.</summary>
/// <param name="OnlyACorrect">b: examples model A got right and model B got wrong.</param>
/// <param name="OnlyBCorrect">c: examples model A got wrong and model B got right.</param>
/// <param name="PValue">Two-sided exact binomial p-value, min(1, 2·P[X ≤ min(b, c)]) with X ~ Bin(b + c, ½); 1 when b + c = 0.</param>
public sealed record McNemarResult(int OnlyACorrect, int OnlyBCorrect, double PValue);

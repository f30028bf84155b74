namespace TransferFunctions.Learning.Analysis;

/// <summary>Settings of the proxy A-distance's domain classifier.</summary>
/// <param name="MaxSamplesPerSide">Rows used per domain; both sides are cut to the same count so chance error is ½.</param>
/// <param name="Seed">Seed of subsampling and of the train/test split.</param>
/// <param name="Iterations">Full-batch gradient steps of the logistic regression.</param>
/// <param name="L2">Weight decay of the logistic regression, on standardized features.</param>
public sealed record ProxyADistanceOptions(int MaxSamplesPerSide = 1000, int Seed = 0, int Iterations = 300, double L2 = 1e-3)
{
    public static ProxyADistanceOptions Default { get; } = new();
}

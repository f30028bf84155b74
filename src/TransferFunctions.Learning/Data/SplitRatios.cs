namespace TransferFunctions.Learning.Data;

/// <summary>Fractions of examples assigned to each split; they must be non-negative and sum to 1.</summary>
public sealed record SplitRatios
{
    /// <summary>80% train, 10% validation, 10% test.</summary>
    public static readonly SplitRatios Default = new(0.8, 0.1, 0.1);

    public SplitRatios(double train, double validation, double test)
    {
        if (!(train >= 0) || !(validation >= 0) || !(test >= 0))
            throw new ArgumentException($"split ratios must be non-negative (train={train}, validation={validation}, test={test})");
        if (Math.Abs(train + validation + test - 1.0) > 1e-6)
            throw new ArgumentException($"split ratios must sum to 1 (train={train} + validation={validation} + test={test} = {train + validation + test})");
        Train = train;
        Validation = validation;
        Test = test;
    }

    public double Train { get; }
    public double Validation { get; }
    public double Test { get; }
}

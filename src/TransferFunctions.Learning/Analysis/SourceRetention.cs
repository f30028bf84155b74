namespace TransferFunctions.Learning.Analysis;

/// <summary>Source-task accuracy before (base model) and after (adapted backbone + kept source head) adaptation.</summary>
/// <param name="Before">Base model's accuracy on the source test examples.</param>
/// <param name="After">Adapted model's accuracy on the same examples through its source head.</param>
/// <param name="Examples">Source test examples measured.</param>
public sealed record SourceRetention(double Before, double After, int Examples)
{
    /// <summary>Accuracy points lost (negative when the source task improved).</summary>
    public double Drop => Before - After;

    /// <summary>Fraction of the source accuracy kept.</summary>
    public double Retained => Before <= 0 ? double.NaN : After / Before;
}

namespace TransferFunctions.Pipeline.Promotion;

/// <summary>
/// A project's promotion rules and thresholds. Defaults are conservative: a candidate must be
/// measurably and significantly better, hurt no class much, beat training from scratch, and keep
/// what the base knew.
/// </summary>
public sealed record PromotionPolicy
{
    /// <summary>Minimum accuracy gain over the champion (absolute, 0.005 = half a point).</summary>
    public double MinImprovement { get; init; } = 0.005;

    /// <summary>McNemar exact p-value the gain over the champion must stay below.</summary>
    public double MaxPValue { get; init; } = 0.05;

    /// <summary>Largest tolerated drop of any class's recall versus the champion (absolute).</summary>
    public double MaxClassRegression { get; init; } = 0.05;

    /// <summary>The candidate must beat the from-scratch baseline by at least this much, else the run reports negative transfer.</summary>
    public double MinGainOverScratch { get; init; } = 0.0;

    /// <summary>A project's first model must be at least as good as the base model's linear probe.</summary>
    public bool FirstModelMustBeatLinearProbe { get; init; } = true;

    /// <summary>Source-task accuracy after adaptation must stay at or above this fraction of the base's (null: rule off).</summary>
    public double? RetentionFloor { get; init; }

    /// <summary>Wait for a human approve/reject event before promoting.</summary>
    public bool RequireApproval { get; init; }

    /// <summary>How long to wait for approval; silence means reject.</summary>
    public TimeSpan ApprovalTimeout { get; init; } = TimeSpan.FromHours(24);

    public static PromotionPolicy Default { get; } = new();
}

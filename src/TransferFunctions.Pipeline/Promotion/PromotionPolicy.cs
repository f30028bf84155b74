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

    /// <summary>McNemar exact p-value the gain over the champion must stay below (with more candidate-only than champion-only correct answers); 1 or more turns the rule off.</summary>
    public double MaxPValue { get; init; } = 0.05;

    /// <summary>Largest tolerated drop of any class's recall versus the champion (absolute).</summary>
    public double MaxClassRegression { get; init; } = 0.05;

    /// <summary>The candidate must beat the from-scratch baseline by at least this much, else the run reports negative transfer.</summary>
    public double MinGainOverScratch { get; init; } = 0.0;

    /// <summary>A project's first model must be at least as good as the base model's linear probe.</summary>
    public bool FirstModelMustBeatLinearProbe { get; init; } = true;

    /// <summary>
    /// Source-task accuracy after adaptation must stay at or above this fraction of the base's. Null: <see cref="DefaultRetentionFloor"/>
    /// when the base model names its source data (so retention can be measured), else off.
    /// </summary>
    public double? RetentionFloor { get; init; }

    /// <summary>When retention cannot be measured (no source head or no source data), pass the rule instead of failing it.</summary>
    public bool SkipUnmeasurableRetention { get; init; }

    /// <summary>Optional: the candidate's bootstrap 95% lower bound on accuracy must reach this (null: off).</summary>
    public double? MinAccuracyLowerBound { get; init; }

    /// <summary>Every class needs at least this many test examples for the accuracies to be judged (0: off).</summary>
    public int MinTestExamplesPerClass { get; init; } = 5;

    /// <summary>Let a batch bring labels the project's champion does not know (new classes); off: such a batch is refused.</summary>
    public bool AllowNewClasses { get; init; }

    /// <summary>Wait for a human approve/reject event before promoting.</summary>
    public bool RequireApproval { get; init; }

    /// <summary>How long to wait for approval; silence means reject.</summary>
    public TimeSpan ApprovalTimeout { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The retention floor used when the policy sets none and the base model names its source data.</summary>
    public const double DefaultRetentionFloor = 0.8;

    public static PromotionPolicy Default { get; } = new();
}

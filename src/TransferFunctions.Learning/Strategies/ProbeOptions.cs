namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// Settings of <c>linear-probe</c> and <c>mlp-probe</c>: a head trained on the frozen base backbone's cached features.
/// <see cref="Linear"/> and <see cref="Mlp"/> are the registry's defaults.
/// </summary>
public sealed record ProbeOptions
{
    /// <summary>Linear head: AdamW 3e-3, weight decay 1e-4, at least 500 steps, no hidden layer.</summary>
    public static ProbeOptions Linear { get; } = new();

    /// <summary>MLP head: 256 hidden units (ReLU, dropout 0.2), otherwise as <see cref="Linear"/>.</summary>
    public static ProbeOptions Mlp { get; } = new() { HiddenUnits = 256 };

    /// <summary>AdamW learning rate of the head (peak of a cosine schedule with 10% warm-up).</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Decoupled weight decay of the head.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Label smoothing of the cross-entropy.</summary>
    public double LabelSmoothing { get; init; } = 0.05;

    /// <summary>Steps on cached features cost microseconds, so the head gets at least this many whatever the budget says.</summary>
    public int MinSteps { get; init; } = 500;

    /// <summary>0 for a linear head; otherwise the hidden width of a two-layer MLP head.</summary>
    public int HiddenUnits { get; init; }

    /// <summary>Validation rounds without improvement before stopping (best head restored); null disables.</summary>
    public int? EarlyStoppingPatience { get; init; } = 4;
}

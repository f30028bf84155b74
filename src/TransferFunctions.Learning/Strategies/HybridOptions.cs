namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// Settings of <c>hybrid</c>: fine-tuning on target batches mixed with replayed source-task batches, training the
/// base's own head on them too, so the adapted backbone keeps its source skill (no catastrophic forgetting).
/// </summary>
public sealed record HybridOptions
{
    public static HybridOptions Default { get; } = new();

    public FineTuneOptions FineTune { get; init; } = FineTuneOptions.Default;

    /// <summary>Replayed source examples per target example in each step.</summary>
    public double ReplayRatio { get; init; } = 0.5;

    /// <summary>Weight of the source-task loss next to the target loss.</summary>
    public double ReplayWeight { get; init; } = 1.0;

    /// <summary>L2-SP strength used instead of replay when no source data is available.</summary>
    public double FallbackL2SpAlpha { get; init; } = 0.01;
}

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// Settings of <c>scratch</c>: the base model's architecture from random initialization, trained with the same step
/// budget, augmentation and early stopping as fine-tuning — the baseline that tells whether transfer helped.
/// </summary>
public sealed record ScratchOptions
{
    public static ScratchOptions Default { get; } = new();

    /// <summary>Peak AdamW learning rate of the one-cycle schedule (random weights tolerate and need larger steps).</summary>
    public double LearningRate { get; init; } = 3e-3;

    public double WeightDecay { get; init; } = 5e-4;

    public ScheduleKind Schedule { get; init; } = ScheduleKind.OneCycle;

    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>Flip + shift augmentation (pixels); 0 disables it.</summary>
    public int AugmentShift { get; init; } = 2;

    public int? EarlyStoppingPatience { get; init; } = 4;
}

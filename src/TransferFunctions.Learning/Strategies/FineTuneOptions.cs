namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// Settings of <c>fine-tune</c> (and of the fine-tuning inside <c>multi-task</c>, <c>domain-adapt</c> and
/// <c>hybrid</c>). Defaults were chosen on the label-efficiency benchmark (Fashion-MNIST 0–4 → 5–9).
/// </summary>
public sealed record FineTuneOptions
{
    public static FineTuneOptions Default { get; } = new();

    /// <summary>Steps training the new head alone on cached frozen features before any backbone weight moves (cheap).</summary>
    public int HeadWarmupSteps { get; init; } = 300;

    /// <summary>AdamW learning rate of the head warm-up.</summary>
    public double HeadWarmupLearningRate { get; init; } = 3e-3;

    /// <summary>Which stages train after the warm-up.</summary>
    public UnfreezeMode Unfreeze { get; init; } = UnfreezeMode.All;

    /// <summary>Stages trained with <see cref="UnfreezeMode.TopStages"/>.</summary>
    public int TopStages { get; init; } = 2;

    /// <summary>Peak learning rate of the heads; the stage k below the head gets this · <see cref="LayerDecay"/>^k.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Factor between the learning rates of adjacent stages (discriminative fine-tuning).</summary>
    public double LayerDecay { get; init; } = 0.7;

    /// <summary>Decoupled weight decay (AdamW); 0 when L2-SP is on, which already regularizes toward the pretrained weights.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;

    /// <summary>Fraction of the fine-tuning steps warming the learning rate up.</summary>
    public double WarmupFraction { get; init; } = 0.1;

    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>Random horizontal flip and a shift of up to this many pixels on every training batch; 0 disables augmentation.</summary>
    public int AugmentShift { get; init; } = 2;

    /// <summary>Validation rounds without improvement before stopping (best weights restored); null disables.</summary>
    public int? EarlyStoppingPatience { get; init; } = 4;

    /// <summary>Strength α of the L2-SP pull toward the pretrained backbone; 0 disables it.</summary>
    public double L2SpAlpha { get; init; }

    /// <summary>Batch-norm statistics while fine-tuning; see <see cref="BatchNormPolicy"/>.</summary>
    public BatchNormPolicy BatchNorm { get; init; } = BatchNormPolicy.Auto;

    /// <summary>
    /// Under <see cref="BatchNormPolicy.Auto"/>, batches smaller than this keep the pretrained statistics frozen: the
    /// mean and variance of a dozen images are too noisy to normalize with (and to average into running statistics).
    /// </summary>
    public int FreezeBatchNormBelowBatch { get; init; } = 16;
}

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// Settings of <c>domain-adapt</c>: fine-tuning on the labeled examples plus a loss aligning their features with those
/// of unlabeled target-domain examples, then AdaBN (batch-norm statistics re-estimated on the unlabeled examples).
/// </summary>
public sealed record DomainAdaptOptions
{
    public static DomainAdaptOptions Default { get; } = new();

    public FineTuneOptions FineTune { get; init; } = FineTuneOptions.Default with { BatchNorm = BatchNormPolicy.Update };

    public AlignmentLoss Alignment { get; init; } = AlignmentLoss.Coral;

    /// <summary>Weight of the alignment loss next to the cross-entropy.</summary>
    public double AlignmentWeight { get; init; } = 1.0;

    /// <summary>Re-estimate batch-norm statistics on the unlabeled target examples at the end.</summary>
    public bool AdaBatchNorm { get; init; } = true;
}

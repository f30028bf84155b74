namespace TransferFunctions.Learning.Strategies;

/// <summary>What batch normalization does while a pretrained backbone is fine-tuned.</summary>
public enum BatchNormPolicy
{
    /// <summary>
    /// Frozen when a training batch would hold fewer than <see cref="FineTuneOptions.FreezeBatchNormBelowBatch"/>
    /// examples (statistics of a handful of images are noise), else updated.
    /// </summary>
    Auto,

    /// <summary>Batch statistics in training, running statistics updated (PyTorch's default).</summary>
    Update,

    /// <summary>Running statistics used and kept (layers in eval mode); the affine scale and shift still train.</summary>
    Freeze,
}

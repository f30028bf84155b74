using TransferFunctions.Learning.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// Keeps every batch-norm layer in eval mode while the rest trains: normalization uses the pretrained running
/// statistics, which tiny batches would otherwise overwrite with noise. The loop resets modes each epoch, so this
/// re-applies them after it.
/// </summary>
public sealed class FrozenBatchNorm : ITrainingCallback
{
    public void OnEpochStart(int epoch, TrainingLoop loop) => Apply(loop.Model);

    public static void Apply(nn.Module model)
    {
        foreach (var (_, m) in model.named_modules())
            if (m is BatchNorm2d bn) bn.eval();
    }
}

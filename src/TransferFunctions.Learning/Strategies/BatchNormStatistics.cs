using TransferFunctions.Learning.Models;
using TransferFunctions.Torch;
using TransferFunctions.Torch.NN;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// AdaBN (Li et al., 2016): replaces every batch-norm layer's running statistics with the average of its batch
/// statistics over the given inputs, so the network normalizes the target domain with the target domain's own
/// statistics. Weights are untouched.
/// </summary>
public static class BatchNormStatistics
{
    /// <summary>Examples per forward pass while re-estimating.</summary>
    public const int BatchSize = 128;

    /// <summary>
    /// Re-estimates the running mean and variance of every <see cref="BatchNorm2d"/> in <paramref name="model"/> from
    /// <paramref name="inputs"/> (the exact average of per-batch statistics, as PyTorch's momentum=None does).
    /// Returns the number of layers updated.
    /// </summary>
    public static int Reestimate(ResNet model, Tensor inputs, CancellationToken cancellationToken = default)
    {
        var layers = model.NamedModules().Select(m => m.Module).OfType<BatchNorm2d>().Where(bn => bn.RunningMean is not null).ToList();
        if (layers.Count == 0 || inputs.Size(0) == 0) return 0;
        var wasTraining = model.Training;
        using var noGrad = torch.NoGrad();
        var sums = layers.Select(bn => (Mean: torch.ZerosLike(bn.RunningMean!).DetachFromDisposeScope(), Var: torch.ZerosLike(bn.RunningVar!).DetachFromDisposeScope())).ToList();
        try
        {
            model.Train();
            var n = inputs.Size(0);
            var batches = 0;
            // A batch of one has no variance; fold a trailing single example into the batch before it.
            for (long start = 0; start < n; start += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var end = Math.Min(n, start + BatchSize);
                if (n - end == 1) end = n;
                if (end - start < 2) break;
                using var scope = torch.NewDisposeScope();
                var before = layers.Select(bn => (bn.RunningMean!.Clone(), bn.RunningVar!.Clone())).ToList();
                model.Features(inputs.Slice(0, start, end));
                for (var i = 0; i < layers.Count; i++)
                {
                    // running' = (1 − m)·running + m·batch, so the batch statistic is recovered exactly from the update.
                    var m = layers[i].Momentum;
                    sums[i].Mean.AddInPlace(layers[i].RunningMean!.Sub(before[i].Item1.Mul(1 - m)).Div(m));
                    sums[i].Var.AddInPlace(layers[i].RunningVar!.Sub(before[i].Item2.Mul(1 - m)).Div(m));
                }
                batches++;
                if (end == n) break;
            }
            if (batches == 0) return 0;
            for (var i = 0; i < layers.Count; i++)
            {
                layers[i].RunningMean!.CopyFrom(sums[i].Mean.Div(batches));
                layers[i].RunningVar!.CopyFrom(sums[i].Var.Div(batches));
            }
            return layers.Count;
        }
        finally
        {
            foreach (var (mean, variance) in sums)
            {
                mean.Dispose();
                variance.Dispose();
            }
            model.Train(wasTraining);
        }
    }
}

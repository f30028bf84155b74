using TransferFunctions.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

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
        var layers = model.named_modules().Select(m => m.module).OfType<BatchNorm2d>().Where(bn => bn.running_mean is not null).ToList();
        if (layers.Count == 0 || inputs.size(0) == 0) return 0;
        var wasTraining = model.training;
        var device = model.parameters().First().device;
        using var noGrad = no_grad();
        var sums = layers.Select(bn => (Mean: zeros_like(bn.running_mean!).DetachFromDisposeScope(), Var: zeros_like(bn.running_var!).DetachFromDisposeScope())).ToList();
        try
        {
            model.train();
            var n = inputs.size(0);
            var batches = 0;
            // A batch of one has no variance; fold a trailing single example into the batch before it.
            for (long start = 0; start < n; start += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var end = Math.Min(n, start + BatchSize);
                if (n - end == 1) end = n;
                if (end - start < 2) break;
                using var scope = NewDisposeScope();
                var before = layers.Select(bn => (bn.running_mean!.clone(), bn.running_var!.clone())).ToList();
                model.Features(inputs.slice(0, start, end, 1).to(device));
                for (var i = 0; i < layers.Count; i++)
                {
                    // running' = (1 − m)·running + m·batch, so the batch statistic is recovered exactly from the update.
                    var m = layers[i].momentum ?? 0.1;
                    sums[i].Mean.add_(layers[i].running_mean!.sub(before[i].Item1.mul(1 - m)).div(m));
                    sums[i].Var.add_(layers[i].running_var!.sub(before[i].Item2.mul(1 - m)).div(m));
                }
                batches++;
                if (end == n) break;
            }
            if (batches == 0) return 0;
            for (var i = 0; i < layers.Count; i++)
            {
                layers[i].running_mean!.copy_(sums[i].Mean.div(batches));
                layers[i].running_var!.copy_(sums[i].Var.div(batches));
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
            model.train(wasTraining);
        }
    }
}

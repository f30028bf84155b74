using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>Differentiable distances between two batches of features [N, D] and [M, D], used as alignment losses.</summary>
public static class FeatureAlignment
{
    /// <summary>Kernel widths of the MMD loss, as multiples of the mean squared pairwise distance.</summary>
    public static readonly IReadOnlyList<double> MmdBandwidthMultipliers = [0.25, 0.5, 1, 2, 4];

    public static Tensor Loss(AlignmentLoss kind, Tensor source, Tensor target) => kind switch
    {
        AlignmentLoss.Coral => Coral(source, target),
        AlignmentLoss.Mmd => Mmd(source, target),
        _ => tensor(0f),
    };

    /// <summary>‖C_s − C_t‖²_F / (4d²) with C the unbiased feature covariance (Deep CORAL).</summary>
    public static Tensor Coral(Tensor source, Tensor target)
    {
        var d = source.size(1);
        return Covariance(source).sub(Covariance(target)).square().sum().div(4.0 * d * d);
    }

    /// <summary>Biased MMD² estimate with a multi-bandwidth Gaussian kernel (widths relative to the mean squared distance).</summary>
    public static Tensor Mmd(Tensor source, Tensor target)
    {
        long n = source.size(0), m = target.size(0);
        var z = cat(new[] { source, target });
        var sq = z.square().sum(1, keepdim: true);
        var d2 = sq.add(sq.t()).sub(z.matmul(z.t()).mul(2)).clamp_min(0);
        var scale = d2.mean().detach().clamp_min(1e-12);
        Tensor? k = null;
        foreach (var mult in MmdBandwidthMultipliers)
        {
            var term = d2.div(scale.mul(mult)).neg().exp();
            k = k is null ? term : k.add(term);
        }
        var kss = k!.slice(0, 0, n, 1).slice(1, 0, n, 1).mean();
        var ktt = k.slice(0, n, n + m, 1).slice(1, n, n + m, 1).mean();
        var kst = k.slice(0, 0, n, 1).slice(1, n, n + m, 1).mean();
        return kss.add(ktt).sub(kst.mul(2));
    }

    private static Tensor Covariance(Tensor x)
    {
        var centered = x.sub(x.mean(new long[] { 0 }, keepdim: true));
        return centered.t().matmul(centered).div(Math.Max(1, x.size(0) - 1));
    }
}

using TransferFunctions.Torch;

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
        _ => torch.Scalar(0),
    };

    /// <summary>‖C_s − C_t‖²_F / (4d²) with C the unbiased feature covariance (Deep CORAL).</summary>
    public static Tensor Coral(Tensor source, Tensor target)
    {
        var d = source.Size(1);
        return Covariance(source).Sub(Covariance(target)).Square().Sum().Div(4.0 * d * d);
    }

    /// <summary>Biased MMD² estimate with a multi-bandwidth Gaussian kernel (widths relative to the mean squared distance).</summary>
    public static Tensor Mmd(Tensor source, Tensor target)
    {
        long n = source.Size(0), m = target.Size(0);
        var z = torch.Cat(new[] { source, target });
        var sq = z.Square().Sum(1, keepDim: true);
        var d2 = sq.Add(sq.T()).Sub(z.MatMul(z.T()).Mul(2)).ClampMin(0);
        var scale = d2.Mean().Detach().ClampMin(1e-12);
        Tensor? k = null;
        foreach (var mult in MmdBandwidthMultipliers)
        {
            var term = d2.Div(scale.Mul(mult)).Neg().Exp();
            k = k is null ? term : k.Add(term);
        }
        var kss = k!.Slice(0, 0, n).Slice(1, 0, n).Mean();
        var ktt = k.Slice(0, n, n + m).Slice(1, n, n + m).Mean();
        var kst = k.Slice(0, 0, n).Slice(1, n, n + m).Mean();
        return kss.Add(ktt).Sub(kst.Mul(2));
    }

    private static Tensor Covariance(Tensor x)
    {
        var centered = x.Sub(x.Mean(0, keepDim: true));
        return centered.T().MatMul(centered).Div(Math.Max(1, x.Size(0) - 1));
    }
}

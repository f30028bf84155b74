using TransferFunctions.Torch.Tests.Support;

namespace TransferFunctions.Torch.Tests;

/// <summary>Autograd of the layers training depends on, against central finite differences in float64.</summary>
public class GradientCheckTests
{
    // Weighting the output by fixed random values makes every output element matter to the scalar.
    private static Tensor Weighted(Tensor output, int seed)
    {
        var r = torch.FromArray<double>(FiniteDifferences.Values((int)output.NumberOfElements, seed), output.Shape);
        return (output * r).Sum();
    }

    [Fact]
    public void Linear_gradients_match_finite_differences()
    {
        FiniteDifferences.AssertMatchesAutograd(
            t => Weighted(Functional.Linear(t[0], t[1], t[2]).Tanh(), seed: 10),
            new[]
            {
                (FiniteDifferences.Values(12, 1), new long[] { 3, 4 }),
                (FiniteDifferences.Values(8, 2), new long[] { 2, 4 }),
                (FiniteDifferences.Values(2, 3), new long[] { 2 }),
            },
            what: "linear");
    }

    [Fact]
    public void Conv2d_gradients_with_stride_padding_dilation_and_groups_match_finite_differences()
    {
        // 4 input channels in 2 groups, 6 filters; 7x7 input, stride 2, padding 1, dilation 2 → 3x3 output.
        Tensor Conv(Tensor[] t)
        {
            var y = Functional.Conv2d(t[0], t[1], t[2], stride: 2, padding: 1, dilation: 2, groups: 2);
            Assert.Equal(new long[] { 2, 6, 3, 3 }, y.Shape);
            return Weighted(y.Square(), seed: 20);
        }
        FiniteDifferences.AssertMatchesAutograd(Conv,
            new[]
            {
                (FiniteDifferences.Values(2 * 4 * 7 * 7, 4), new long[] { 2, 4, 7, 7 }),
                (FiniteDifferences.Values(6 * 2 * 3 * 3, 5), new long[] { 6, 2, 3, 3 }),
                (FiniteDifferences.Values(6, 6), new long[] { 6 }),
            },
            what: "conv2d");
    }

    [Fact]
    public void Conv2d_with_asymmetric_stride_and_padding_matches_finite_differences()
    {
        FiniteDifferences.AssertMatchesAutograd(
            t => Weighted(Functional.Conv2d(t[0], t[1], null, new long[] { 1, 2 }, new long[] { 2, 0 }, new long[] { 1, 1 }), seed: 21),
            new[]
            {
                (FiniteDifferences.Values(1 * 2 * 5 * 6, 7), new long[] { 1, 2, 5, 6 }),
                (FiniteDifferences.Values(3 * 2 * 2 * 3, 8), new long[] { 3, 2, 2, 3 }),
            },
            what: "conv2d (asymmetric)");
    }

    [Fact]
    public void Batch_norm_in_training_mode_gradients_match_finite_differences()
    {
        FiniteDifferences.AssertMatchesAutograd(
            t => Weighted(Functional.BatchNorm(t[0], null, null, t[1], t[2], training: true, eps: 1e-5), seed: 30),
            new[]
            {
                (FiniteDifferences.Values(4 * 3 * 2 * 2, 9), new long[] { 4, 3, 2, 2 }),
                (FiniteDifferences.Values(3, 11), new long[] { 3 }),
                (FiniteDifferences.Values(3, 12), new long[] { 3 }),
            },
            what: "batch norm");
    }

    [Fact]
    public void Cross_entropy_with_class_weights_label_smoothing_and_ignore_index_gradients_match_finite_differences()
    {
        using var target = torch.FromArray(new long[] { 0, 3, -1, 2, 1, 3 });
        using var weight = torch.FromArray(new double[] { 0.5, 2.0, 1.0, 1.5 });
        FiniteDifferences.AssertMatchesAutograd(
            t => Functional.CrossEntropy(t[0], target, weight, ignoreIndex: -1, labelSmoothing: 0.1),
            new[] { (FiniteDifferences.Values(6 * 4, 13).Select(v => 3 * v).ToArray(), new long[] { 6, 4 }) },
            what: "cross entropy");
    }

    [Fact]
    public void Cross_entropy_gradient_of_an_ignored_row_is_zero()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.FromArray<double>(FiniteDifferences.Values(8, 14), new long[] { 2, 4 }, requiresGrad: true);
        Functional.CrossEntropy(logits, torch.FromArray(new long[] { 1, -100 }), labelSmoothing: 0.2).Backward();
        var g = logits.Grad!.ToArray<double>();
        Assert.All(g[4..], v => Assert.Equal(0.0, v));
        Assert.Contains(g[..4], v => v != 0);
    }

    [Fact]
    public void Log_softmax_gradients_match_finite_differences()
    {
        FiniteDifferences.AssertMatchesAutograd(
            t => Weighted(Functional.LogSoftmax(t[0], 1), seed: 40),
            new[] { (FiniteDifferences.Values(15, 15), new long[] { 3, 5 }) },
            what: "log softmax");
    }

    [Fact]
    public void Finite_difference_checker_detects_a_wrong_gradient()
    {
        // Guards the checker itself: detaching half of the product yields a gradient that is off by x.
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => FiniteDifferences.AssertMatchesAutograd(
            t => (t[0] * t[0].Detach()).Sum(),
            new[] { (new double[] { 0.5, -1.5 }, new long[] { 2 }) }));
    }
}

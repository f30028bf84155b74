using TransferFunctions.Torch.Tests.Support;

namespace TransferFunctions.Torch.Tests;

/// <summary>Forward values of normalization, activations, pooling, resizing and losses against hand computation.</summary>
public class FunctionalForwardTests
{
    // Per-channel mean and biased/unbiased variance of [N, C, S] row-major data.
    private static (double[] Mean, double[] BiasedVar, double[] UnbiasedVar) ChannelStats(double[] x, int n, int c, int s)
    {
        var mean = new double[c];
        var biased = new double[c];
        var unbiased = new double[c];
        var count = n * s;
        for (var ch = 0; ch < c; ch++)
        {
            var values = Enumerable.Range(0, n).SelectMany(i => Enumerable.Range(0, s).Select(k => x[(i * c + ch) * s + k])).ToArray();
            mean[ch] = values.Average();
            var ss = values.Sum(v => (v - mean[ch]) * (v - mean[ch]));
            biased[ch] = ss / count;
            unbiased[ch] = ss / (count - 1);
        }
        return (mean, biased, unbiased);
    }

    [Fact]
    public void Batch_norm_in_training_normalizes_by_batch_stats_and_updates_running_stats_with_momentum()
    {
        const int n = 3, c = 2, s = 4;
        var x = FiniteDifferences.Values(n * c * s, 50).Select(v => 3 * v + 1).ToArray();
        double[] w = { 1.5, -0.5 }, b = { 0.25, 2 };
        double[] rm0 = { 0.1, -0.2 }, rv0 = { 1.2, 0.8 };
        const double momentum = 0.3, eps = 1e-5;
        using var scope = torch.NewDisposeScope();
        var runningMean = torch.FromArray(rm0);
        var runningVar = torch.FromArray(rv0);
        var y = Functional.BatchNorm(torch.FromArray<double>(x, new long[] { n, c, 2, 2 }), runningMean, runningVar,
            torch.FromArray(w), torch.FromArray(b), training: true, momentum: momentum, eps: eps).ToArray<double>();

        var (mean, biased, unbiased) = ChannelStats(x, n, c, s);
        var expected = new double[x.Length];
        for (var i = 0; i < n; i++)
            for (var ch = 0; ch < c; ch++)
                for (var k = 0; k < s; k++)
                {
                    var at = (i * c + ch) * s + k;
                    expected[at] = (x[at] - mean[ch]) / Math.Sqrt(biased[ch] + eps) * w[ch] + b[ch];
                }
        Check.Close(expected, y, 1e-12, 1e-12, "normalized output");
        Check.Close(new[] { (1 - momentum) * rm0[0] + momentum * mean[0], (1 - momentum) * rm0[1] + momentum * mean[1] },
            runningMean.ToArray<double>(), 1e-12, 1e-14, "running mean");
        Check.Close(new[] { (1 - momentum) * rv0[0] + momentum * unbiased[0], (1 - momentum) * rv0[1] + momentum * unbiased[1] },
            runningVar.ToArray<double>(), 1e-12, 1e-14, "running var (unbiased)");
    }

    [Fact]
    public void Batch_norm_in_eval_uses_running_stats_and_leaves_them_unchanged()
    {
        double[] x = { 1, 2, 3, 4, 5, 6, 7, 8 }; // [2, 2, 2]
        double[] rm = { 0.5, -1 }, rv = { 4, 0.25 }, w = { 2, 1 }, b = { 0, 1 };
        using var scope = torch.NewDisposeScope();
        var runningMean = torch.FromArray(rm);
        var runningVar = torch.FromArray(rv);
        var y = Functional.BatchNorm(torch.FromArray<double>(x, new long[] { 2, 2, 2 }), runningMean, runningVar,
            torch.FromArray(w), torch.FromArray(b), training: false, eps: 0).ToArray<double>();
        var expected = x.Select((v, i) => { var ch = i / 2 % 2; return (v - rm[ch]) / Math.Sqrt(rv[ch]) * w[ch] + b[ch]; }).ToArray();
        Check.Close(expected, y, 1e-14, 1e-14);
        Assert.Equal(rm, runningMean.ToArray<double>());
        Assert.Equal(rv, runningVar.ToArray<double>());
    }

    [Fact]
    public void Layer_norm_normalizes_the_trailing_dimensions_with_biased_variance()
    {
        var x = FiniteDifferences.Values(2 * 3 * 4, 51);
        var w = FiniteDifferences.Values(12, 52);
        var b = FiniteDifferences.Values(12, 53);
        using var scope = torch.NewDisposeScope();
        var y = Functional.LayerNorm(torch.FromArray<double>(x, new long[] { 2, 3, 4 }), new long[] { 3, 4 },
            torch.FromArray<double>(w, new long[] { 3, 4 }), torch.FromArray<double>(b, new long[] { 3, 4 }), eps: 1e-5).ToArray<double>();
        var expected = new double[x.Length];
        for (var row = 0; row < 2; row++)
        {
            var slice = x.AsSpan(row * 12, 12).ToArray();
            var mean = slice.Average();
            var variance = slice.Sum(v => (v - mean) * (v - mean)) / 12;
            for (var k = 0; k < 12; k++) expected[row * 12 + k] = (slice[k] - mean) / Math.Sqrt(variance + 1e-5) * w[k] + b[k];
        }
        Check.Close(expected, y, 1e-12, 1e-12);
    }

    [Fact]
    public void Softmax_rows_are_normalized_exponentials()
    {
        double[] x = { 1, 2, 3, -1, 0, 1000 };
        using var scope = torch.NewDisposeScope();
        var t = torch.FromArray<double>(x, new long[] { 2, 3 });
        var expected = Reference.LogSoftmaxRows(x, 2, 3);
        Check.Close(expected.Select(Math.Exp).ToArray(), Functional.Softmax(t, 1).ToArray<double>(), 1e-14, 1e-300);
        Check.Close(expected, Functional.LogSoftmax(t, 1).ToArray<double>(), 1e-14, 1e-14);
    }

    [Fact]
    public void Activations_match_their_definitions()
    {
        double[] x = { -2.5, -1, -0.1, 0, 0.3, 1.7, 2.9 };
        using var scope = torch.NewDisposeScope();
        var t = torch.FromArray(x);
        Check.Close(x.Select(v => 0.5 * v * (1 + Reference.Erf(v / Math.Sqrt(2)))).ToArray(), Functional.Gelu(t).ToArray<double>(), 1e-12, 1e-14, "gelu");
        Check.Close(x.Select(v => v * Reference.Sigmoid(v)).ToArray(), Functional.Silu(t).ToArray<double>(), 1e-14, 1e-15, "silu");
        Check.Close(x.Select(Reference.Sigmoid).ToArray(), Functional.Sigmoid(t).ToArray<double>(), 1e-14, 0, "sigmoid");
        Check.Close(x.Select(Math.Tanh).ToArray(), Functional.Tanh(t).ToArray<double>(), 1e-14, 0, "tanh");
        Assert.Equal(x.Select(v => Math.Max(v, 0)).ToArray(), Functional.Relu(t).ToArray<double>());
    }

    [Fact]
    public void Relu_in_place_overwrites_its_input()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.FromArray(new float[] { -1, 2, -3 });
        Functional.ReluInPlace(t);
        Assert.Equal(new float[] { 0, 2, 0 }, t.ToArray<float>());
    }

    [Fact]
    public void Dropout_is_identity_in_eval_and_scales_survivors_by_one_over_keep_in_training()
    {
        using var scope = torch.NewDisposeScope();
        torch.ManualSeed(3);
        var x = torch.Ones(new long[] { 20_000 }, ScalarType.Float64);
        Assert.Equal(x.ToArray<double>(), Functional.Dropout(x, 0.3, training: false).ToArray<double>());
        var y = Functional.Dropout(x, 0.3, training: true).ToArray<double>();
        Assert.All(y, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.7) < 1e-12, $"unexpected dropout value {v}"));
        var dropped = y.Count(v => v == 0) / (double)y.Length;
        Assert.InRange(dropped, 0.28, 0.32);
    }

    [Fact]
    public void Max_and_average_pooling_take_window_max_and_mean()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.Arange(0, 16).To(ScalarType.Float32).Reshape(1, 1, 4, 4);
        // Windows of 2x2 with stride 2: {0,1,4,5}, {2,3,6,7}, {8,9,12,13}, {10,11,14,15}.
        Assert.Equal(new float[] { 5, 7, 13, 15 }, Functional.MaxPool2d(x, 2).ToArray<float>());
        Assert.Equal(new float[] { 2.5f, 4.5f, 10.5f, 12.5f }, Functional.AvgPool2d(x, 2).ToArray<float>());
        // 3x3 windows with stride 1: maxima at the bottom-right corners.
        Assert.Equal(new float[] { 10, 11, 14, 15 }, Functional.MaxPool2d(x, 3, stride: 1).ToArray<float>());
        // Padding 1 with count_include_pad: the corner window sees 0+1+4+5 over 9 cells.
        var padded = Functional.AvgPool2d(x, 3, stride: 3, padding: 1).ToArray<float>();
        Assert.Equal(10f / 9, padded[0], 6);
        var excluded = Functional.AvgPool2d(x, 3, stride: 3, padding: 1, countIncludePad: false).ToArray<float>();
        Assert.Equal(2.5f, excluded[0], 6);
    }

    [Fact]
    public void Adaptive_average_pooling_uses_overlapping_bins_for_uneven_sizes()
    {
        using var scope = torch.NewDisposeScope();
        var plane = Enumerable.Range(0, 25).Select(i => (double)i * i % 7).ToArray();
        var y = Functional.AdaptiveAvgPool2d(torch.FromArray<double>(plane, new long[] { 1, 1, 5, 5 }), 2, 3).ToArray<double>();
        // Bin i of n over size s spans [floor(i·s/n), ceil((i+1)·s/n)).
        static (int Start, int End) Bin(int i, int n, int s) => (i * s / n, ((i + 1) * s + n - 1) / n);
        var expected = new List<double>();
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 3; j++)
            {
                var (r0, r1) = Bin(i, 2, 5);
                var (c0, c1) = Bin(j, 3, 5);
                double sum = 0;
                for (var r = r0; r < r1; r++)
                    for (var c = c0; c < c1; c++) sum += plane[r * 5 + c];
                expected.Add(sum / ((r1 - r0) * (c1 - c0)));
            }
        Check.Close(expected, y, 1e-14, 1e-14);
        Assert.Equal(plane.Average(), Functional.AdaptiveAvgPool2d(torch.FromArray<double>(plane, new long[] { 1, 1, 5, 5 }), 1, 1).Item(), 12);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Bilinear_interpolation_matches_hand_interpolation(bool alignCorners)
    {
        double[] plane = { 0, 1, 4, 2, 3, 9 }; // 2x3
        using var scope = torch.NewDisposeScope();
        var y = Functional.InterpolateBilinear(torch.FromArray<double>(plane, new long[] { 1, 1, 2, 3 }), 4, 5, alignCorners).ToArray<double>();
        Check.Close(Reference.Bilinear(plane, 2, 3, 4, 5, alignCorners), y, 1e-12, 1e-12);
    }

    [Fact]
    public void Nll_loss_averages_negative_log_probabilities_weighted_by_class()
    {
        var logp = Reference.LogSoftmaxRows(FiniteDifferences.Values(12, 54), 3, 4);
        long[] target = { 2, 0, 3 };
        double[] w = { 1, 2, 3, 4 };
        using var scope = torch.NewDisposeScope();
        var lp = torch.FromArray<double>(logp, new long[] { 3, 4 });
        var t = torch.FromArray(target);
        double weightedSum = 0, weightTotal = 0, plain = 0;
        for (var i = 0; i < 3; i++)
        {
            weightedSum += -w[target[i]] * logp[i * 4 + target[i]];
            weightTotal += w[target[i]];
            plain += -logp[i * 4 + target[i]];
        }
        Check.Close(plain / 3, Functional.NllLoss(lp, t).Item(), 1e-14);
        Check.Close(weightedSum / weightTotal, Functional.NllLoss(lp, t, torch.FromArray(w)).Item(), 1e-14);
        Check.Close(plain, Functional.NllLoss(lp, t, reduction: Reduction.Sum).Item(), 1e-14);
        Assert.Equal(new long[] { 3 }, Functional.NllLoss(lp, t, reduction: Reduction.None).Shape);
    }

    [Fact]
    public void Cross_entropy_with_weights_smoothing_and_ignore_index_matches_the_published_formula()
    {
        var logits = FiniteDifferences.Values(5 * 3, 55).Select(v => 2 * v).ToArray();
        long[] target = { 2, -1, 0, 1, 2 };
        double[] w = { 0.5, 1.0, 2.0 };
        const double eps = 0.2;
        var logp = Reference.LogSoftmaxRows(logits, 5, 3);
        // PyTorch: (1−ε)·weighted NLL mean + ε/C · Σᵢ Σ_c w_c·(−log p_ic) / Σᵢ w_yᵢ, over rows not ignored.
        double nll = 0, smooth = 0, weightTotal = 0;
        for (var i = 0; i < 5; i++)
        {
            if (target[i] == -1) continue;
            nll += -w[target[i]] * logp[i * 3 + target[i]];
            weightTotal += w[target[i]];
            for (var c = 0; c < 3; c++) smooth += -w[c] * logp[i * 3 + c];
        }
        var expected = (1 - eps) * nll / weightTotal + eps / 3 * smooth / weightTotal;
        using var scope = torch.NewDisposeScope();
        var loss = Functional.CrossEntropy(torch.FromArray<double>(logits, new long[] { 5, 3 }), torch.FromArray(target),
            torch.FromArray(w), ignoreIndex: -1, labelSmoothing: eps);
        Check.Close(expected, loss.Item(), 1e-13);
    }

    [Fact]
    public void Mse_loss_is_the_mean_squared_difference()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.FromArray(new double[] { 1, 2, 3, 4 });
        var b = torch.FromArray(new double[] { 1.5, 2, 1, 5 });
        Assert.Equal((0.25 + 0 + 4 + 1) / 4, Functional.MseLoss(a, b).Item(), 14);
        Assert.Equal(5.25, Functional.MseLoss(a, b, Reduction.Sum).Item(), 14);
    }

    [Fact]
    public void Binary_cross_entropy_with_logits_matches_the_formula_including_pos_weight()
    {
        double[] x = { -3, -0.5, 0.2, 4 }, y = { 0, 1, 1, 0.25 };
        const double pos = 2.5;
        using var scope = torch.NewDisposeScope();
        var tx = torch.FromArray(x);
        var ty = torch.FromArray(y);
        double Plain(int i) => -(y[i] * Math.Log(Reference.Sigmoid(x[i])) + (1 - y[i]) * Math.Log(1 - Reference.Sigmoid(x[i])));
        double Weighted(int i) => -(pos * y[i] * Math.Log(Reference.Sigmoid(x[i])) + (1 - y[i]) * Math.Log(1 - Reference.Sigmoid(x[i])));
        Check.Close(Enumerable.Range(0, 4).Average(Plain), Functional.BinaryCrossEntropyWithLogits(tx, ty).Item(), 1e-13);
        Check.Close(Enumerable.Range(0, 4).Average(Weighted),
            Functional.BinaryCrossEntropyWithLogits(tx, ty, posWeight: torch.FromArray(new[] { pos })).Item(), 1e-13);
        Check.Close(Enumerable.Range(0, 4).Select(Plain).ToArray(),
            Functional.BinaryCrossEntropyWithLogits(tx, ty, reduction: Reduction.None).ToArray<double>(), 1e-13);
    }
}

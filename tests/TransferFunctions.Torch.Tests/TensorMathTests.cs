using TransferFunctions.Torch.Tests.Support;

namespace TransferFunctions.Torch.Tests;

public class TensorMathTests
{
    [Fact]
    public void Arithmetic_broadcasts_a_row_and_a_column()
    {
        using var scope = torch.NewDisposeScope();
        var col = torch.FromArray(new float[] { 1, 2, 3 }, 3, 1);
        var row = torch.FromArray(new float[] { 10, 20 }, 1, 2);
        var sum = col + row;
        Assert.Equal(new long[] { 3, 2 }, sum.Shape);
        Assert.Equal(new float[] { 11, 21, 12, 22, 13, 23 }, sum.ToArray<float>());
        Assert.Equal(new float[] { 10, 20, 20, 40, 30, 60 }, (col * row).ToArray<float>());
        Assert.Equal(new float[] { -9, -19, -8, -18, -7, -17 }, (col - row).ToArray<float>());
        Assert.Equal(new float[] { 0.1f, 0.05f, 0.2f, 0.1f, 0.3f, 0.15f }, (col / row).ToArray<float>());
    }

    [Fact]
    public void Scalar_operators_work_on_both_sides()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.FromArray(new double[] { 1, 2, 4 });
        Assert.Equal(new double[] { 3, 4, 6 }, (x + 2).ToArray<double>());
        Assert.Equal(new double[] { 9, 8, 6 }, (10 - x).ToArray<double>());
        Assert.Equal(new double[] { 8, 4, 2 }, (8 / x).ToArray<double>());
        Assert.Equal(new double[] { 0.5, 1, 2 }, (x / 2).ToArray<double>());
        Assert.Equal(new double[] { -1, -2, -4 }, (-x).ToArray<double>());
        Assert.Equal(new double[] { 1, 4, 16 }, x.Pow(2).ToArray<double>());
        Assert.Equal(new double[] { 2, 2, 3 }, x.Clamp(2, 3).ToArray<double>());
        Assert.Equal(new double[] { 1, 0, 0 }, x.Remainder(2).ToArray<double>());
        Assert.Equal(new double[] { 1.5, 2.5, 4.5 }, x.Add(torch.Ones(new long[] { 3 }, ScalarType.Float64), 0.5).ToArray<double>());
    }

    [Fact]
    public void Elementwise_functions_match_the_math_library()
    {
        using var scope = torch.NewDisposeScope();
        double[] v = { -2.5, -0.3, 0.7, 3.1 };
        var x = torch.FromArray(v);
        Check.Close(v.Select(Math.Exp).ToArray(), x.Exp().ToArray<double>(), 1e-15);
        Check.Close(v.Select(Math.Tanh).ToArray(), x.Tanh().ToArray<double>(), 1e-15);
        Check.Close(v.Select(a => Math.Sqrt(Math.Abs(a))).ToArray(), x.Abs().Sqrt().ToArray<double>(), 1e-15);
        Check.Close(v.Select(a => Math.Log(Math.Abs(a))).ToArray(), x.Abs().Log().ToArray<double>(), 1e-15);
        Check.Close(v.Select(a => 1 / (1 + Math.Exp(-a))).ToArray(), x.Sigmoid().ToArray<double>(), 1e-15);
        Assert.Equal(new double[] { 0, 0, 0.7, 3.1 }, x.Relu().ToArray<double>());
        Assert.Equal(new double[] { -3, -1, 0, 3 }, x.Floor().ToArray<double>());
    }

    [Fact]
    public void Matmul_multiplies_matrices_vectors_and_batches()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var b = torch.FromArray(new double[] { 7, 8, 9, 10, 11, 12 }, 3, 2);
        // [1 2 3; 4 5 6]·[7 8; 9 10; 11 12] = [58 64; 139 154]
        Assert.Equal(new double[] { 58, 64, 139, 154 }, a.MatMul(b).ToArray<double>());
        var v = torch.FromArray(new double[] { 1, 0, -1 });
        Assert.Equal(new double[] { -2, -2 }, a.MatMul(v).ToArray<double>());
        var batch = torch.Stack(new[] { a, a * 2 });
        var r = batch.MatMul(b);
        Assert.Equal(new long[] { 2, 2, 2 }, r.Shape);
        Assert.Equal(new double[] { 58, 64, 139, 154, 116, 128, 278, 308 }, r.ToArray<double>());
    }

    [Fact]
    public void Reductions_over_dimensions_match_hand_sums()
    {
        using var scope = torch.NewDisposeScope();
        var m = torch.FromArray(new double[] { 1, 5, 3, 4, 2, 6 }, 2, 3);
        Assert.Equal(21, m.Sum().Item());
        Assert.Equal(new double[] { 5, 7, 9 }, m.Sum(0).ToArray<double>());
        Assert.Equal(new double[] { 9, 12 }, m.Sum(1).ToArray<double>());
        Assert.Equal(new long[] { 2, 1 }, m.Sum(1, keepDim: true).Shape);
        Assert.Equal(new double[] { 3, 4 }, m.Mean(1).ToArray<double>());
        Assert.Equal(3.5, m.Mean().Item());
        Assert.Equal(new double[] { 15, 48 }, m.Prod(1).ToArray<double>());
        Assert.Equal(new double[] { 4, 5, 6 }, m.Amax(0).ToArray<double>());
        Assert.Equal(1, m.Min().Item());
        // Unbiased: row 0 has mean 3 and squared deviations 4 + 4 + 0.
        Assert.Equal(new double[] { 4, 4 }, m.Var(1).ToArray<double>());
        Assert.Equal(2, m.Std(1).ToArray<double>()[0], 12);
        Check.Close(Math.Log(Math.Exp(1) + Math.Exp(5) + Math.Exp(3)), m.LogSumExp(1).ToArray<double>()[0], 1e-14);
        Check.Close(Math.Sqrt(1 + 25 + 9 + 16 + 4 + 36), m.Norm().Item(), 1e-14);
        Assert.Equal(new double[] { 1, 6, 9, 13, 15, 21 }, m.Flatten().CumSum(0).ToArray<double>());
    }

    [Fact]
    public void Max_over_a_dimension_returns_values_and_indices()
    {
        using var scope = torch.NewDisposeScope();
        var m = torch.FromArray(new float[] { 1, 5, 3, 4, 2, 6 }, 2, 3);
        var (values, indices) = m.Max(1);
        Assert.Equal(new float[] { 5, 6 }, values.ToArray<float>());
        Assert.Equal(new long[] { 1, 2 }, indices.ToArray<long>());
        var (cv, ci) = m.Max(0, keepDim: true);
        Assert.Equal(new long[] { 1, 3 }, cv.Shape);
        Assert.Equal(new float[] { 4, 5, 6 }, cv.ToArray<float>());
        Assert.Equal(new long[] { 1, 0, 1 }, ci.ToArray<long>());
    }

    [Fact]
    public void Argmax_and_argmin_find_positions()
    {
        using var scope = torch.NewDisposeScope();
        var m = torch.FromArray(new float[] { 1, 5, 3, 4, 2, 6 }, 2, 3);
        Assert.Equal(5, m.ArgMax().ItemLong());
        Assert.Equal(new long[] { 1, 2 }, m.ArgMax(1).ToArray<long>());
        Assert.Equal(new long[] { 0, 1 }, m.ArgMin(1).ToArray<long>());
        Assert.Equal(new long[] { 1, 3 }, m.ArgMax(0, keepDim: true).Shape);
        Assert.Equal(new long[] { 1, 0, 1 }, m.ArgMax(0, keepDim: true).ToArray<long>());
    }

    [Fact]
    public void Topk_and_sort_order_values_with_their_indices()
    {
        using var scope = torch.NewDisposeScope();
        var v = torch.FromArray(new float[] { 0.3f, 0.9f, 0.1f, 0.7f, 0.5f });
        var (top, at) = v.TopK(3);
        Assert.Equal(new float[] { 0.9f, 0.7f, 0.5f }, top.ToArray<float>());
        Assert.Equal(new long[] { 1, 3, 4 }, at.ToArray<long>());
        var (low, lowAt) = v.TopK(2, largest: false);
        Assert.Equal(new float[] { 0.1f, 0.3f }, low.ToArray<float>());
        Assert.Equal(new long[] { 2, 0 }, lowAt.ToArray<long>());
        var rows = torch.FromArray(new float[] { 3, 1, 2, 9, 7, 8 }, 2, 3);
        var (rowTop, rowAt) = rows.TopK(1, dim: 1);
        Assert.Equal(new float[] { 3, 9 }, rowTop.ToArray<float>());
        Assert.Equal(new long[] { 0, 0 }, rowAt.ToArray<long>());
        var (sorted, order) = v.Sort(descending: true);
        Assert.Equal(new float[] { 0.9f, 0.7f, 0.5f, 0.3f, 0.1f }, sorted.ToArray<float>());
        Assert.Equal(new long[] { 1, 3, 4, 0, 2 }, order.ToArray<long>());
    }

    [Fact]
    public void Comparisons_produce_bool_tensors_elementwise()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.FromArray(new float[] { 1, 2, 3 });
        var b = torch.FromArray(new float[] { 3, 2, 1 });
        Assert.Equal(new[] { true, false, false }, a.Lt(b).ToArray<bool>());
        Assert.Equal(new[] { true, true, false }, a.Le(b).ToArray<bool>());
        Assert.Equal(new[] { false, true, false }, a.Eq(b).ToArray<bool>());
        Assert.Equal(new[] { true, false, true }, a.Ne(b).ToArray<bool>());
        Assert.Equal(new[] { false, false, true }, a.Gt(b).ToArray<bool>());
        Assert.Equal(new[] { false, true, true }, a.Ge(2).ToArray<bool>());
        Assert.Equal(new[] { false, true, false }, a.Eq(2).ToArray<bool>());
        Assert.Equal(new[] { true, false, false }, a.Lt(b).LogicalAnd(a.Lt(2.5)).ToArray<bool>());
        Assert.Equal(new[] { true, true, false }, a.Lt(b).LogicalOr(a.Eq(2)).ToArray<bool>());
        Assert.True(a.AllClose(a + 1e-7));
        Assert.False(a.AllClose(b));
        Assert.Equal(new[] { false, true }, torch.FromArray(new[] { 1.0, double.NaN }).IsNan().ToArray<bool>());
    }

    [Fact]
    public void In_place_operations_modify_the_tensor_itself()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.FromArray(new double[] { 1, 2, 3 });
        var same = x.AddInPlace(1).MulInPlace(2).SubInPlace(torch.Ones(new long[] { 3 }, ScalarType.Float64));
        Assert.Same(x, same);
        Assert.Equal(new double[] { 3, 5, 7 }, x.ToArray<double>());
        x.AddInPlace(torch.FromArray(new double[] { 1, 1, 1 }), -3).DivInPlace(2);
        Assert.Equal(new double[] { 0, 1, 2 }, x.ToArray<double>());
        x.ClampInPlace(0.5, 1.5);
        Assert.Equal(new double[] { 0.5, 1, 1.5 }, x.ToArray<double>());
    }

    [Fact]
    public void Integer_tensors_keep_their_dtype_under_whole_number_scalars()
    {
        using var scope = torch.NewDisposeScope();
        var labels = torch.FromArray(new long[] { 1, 2, 3 });
        var shifted = labels - 1;
        Assert.Equal(ScalarType.Int64, shifted.DType);
        Assert.Equal(new long[] { 0, 1, 2 }, shifted.ToArray<long>());
        var reversed = 10 - labels;
        Assert.Equal(ScalarType.Int64, reversed.DType);
        Assert.Equal(new long[] { 9, 8, 7 }, reversed.ToArray<long>());
        Assert.Equal(ScalarType.Float32, (0.5 - labels).DType);
        Assert.Equal(new long[] { 1, 0, 1 }, labels.Remainder(2).ToArray<long>());
        labels.AddInPlace(1).MulInPlace(3);
        Assert.Equal(new long[] { 6, 9, 12 }, labels.ToArray<long>());
        var counter = torch.Zeros(Array.Empty<long>(), ScalarType.Int64);
        counter.AddInPlace(1);
        Assert.Equal(1, counter.ItemLong());
        // A fractional scalar promotes, as in PyTorch.
        var half = labels * 0.5;
        Assert.Equal(ScalarType.Float32, half.DType);
        Assert.Equal(new float[] { 3, 4.5f, 6 }, half.ToArray<float>());
        var e = Assert.Throws<TorchException>(() => labels.MulInPlace(0.5));
        Assert.Contains("can't be cast", e.Message);
    }
}

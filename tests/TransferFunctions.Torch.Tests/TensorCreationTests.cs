using TransferFunctions.Torch.Tests.Support;

namespace TransferFunctions.Torch.Tests;

public class TensorCreationTests
{
    [Fact]
    public void Float32_array_round_trips_with_shape_and_dtype()
    {
        float[] data = { 1.5f, -2.25f, 3e-8f, float.MaxValue, float.NegativeInfinity, 0f };
        using var t = torch.FromArray(data, 2, 3);
        Assert.Equal(ScalarType.Float32, t.DType);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(6, t.NumberOfElements);
        Assert.Equal(24, t.ByteSize);
        Assert.Equal(Device.CPU, t.Device);
        Assert.Equal(data, t.ToArray<float>());
    }

    [Fact]
    public void Float64_array_round_trips_bit_exactly()
    {
        double[] data = { Math.PI, -1e-300, 1e300, double.Epsilon };
        using var t = torch.FromArray(data, 4);
        Assert.Equal(ScalarType.Float64, t.DType);
        Assert.Equal(data, t.ToArray<double>());
    }

    [Fact]
    public void Int64_array_round_trips_including_extremes()
    {
        long[] data = { long.MinValue, -1, 0, long.MaxValue };
        using var t = torch.FromArray(data, 2, 2);
        Assert.Equal(ScalarType.Int64, t.DType);
        Assert.Equal(data, t.ToArray<long>());
        Assert.Equal(long.MaxValue, t[1][1].ItemLong());
    }

    [Fact]
    public void Int32_array_round_trips()
    {
        int[] data = { int.MinValue, 7, int.MaxValue };
        using var t = torch.FromArray(data);
        Assert.Equal(ScalarType.Int32, t.DType);
        Assert.Equal(new long[] { 3 }, t.Shape);
        Assert.Equal(data, t.ToArray<int>());
    }

    [Fact]
    public void Uint8_array_round_trips()
    {
        byte[] data = { 0, 1, 127, 128, 255, 42 };
        using var t = torch.FromArray(data, 3, 1, 2);
        Assert.Equal(ScalarType.UInt8, t.DType);
        Assert.Equal(new long[] { 3, 1, 2 }, t.Shape);
        Assert.Equal(data, t.ToArray<byte>());
    }

    [Fact]
    public void Bool_array_round_trips_and_sums_as_count_of_true()
    {
        bool[] data = { true, false, true, true };
        using var scope = torch.NewDisposeScope();
        var t = torch.FromArray(data);
        Assert.Equal(ScalarType.Bool, t.DType);
        Assert.Equal(data, t.ToArray<bool>());
        Assert.Equal(3, t.Sum().ItemLong());
    }

    [Fact]
    public void Array_length_that_does_not_fill_the_shape_is_refused()
    {
        var e = Assert.Throws<TorchException>(() => torch.FromArray(new float[5], 2, 3));
        Assert.Contains("holds 6 elements but 5 were given", e.Message);
    }

    [Fact]
    public void Factories_fill_with_the_expected_values()
    {
        using var scope = torch.NewDisposeScope();
        Assert.All(torch.Zeros(new long[] { 2, 3 }).ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.All(torch.Ones(new long[] { 4 }, ScalarType.Float64).ToArray<double>(), v => Assert.Equal(1.0, v));
        Assert.All(torch.Full(new long[] { 3 }, 2.5).ToArray<float>(), v => Assert.Equal(2.5f, v));
        Assert.Equal(new long[] { 2, 4, 6 }, torch.Arange(2, 8, 2).ToArray<long>());
        Assert.Equal(new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, torch.Eye(3).ToArray<float>());
        var s = torch.Scalar(7.25, ScalarType.Float64);
        Assert.Equal(0, s.Dim);
        Assert.Equal(7.25, s.Item());
    }

    [Fact]
    public void Dtype_conversion_truncates_floats_toward_zero_and_keeps_values()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.FromArray(new[] { 1.9, -1.9, 255.0 });
        Assert.Equal(new long[] { 1, -1, 255 }, t.To(ScalarType.Int64).ToArray<long>());
        Assert.Equal(new float[] { 1.9f, -1.9f, 255f }, t.To(ScalarType.Float32).ToArray<float>());
        Assert.Equal(new[] { true, true, true }, t.To(ScalarType.Bool).ToArray<bool>());
    }

    [Fact]
    public void Clone_is_independent_while_alias_shares_storage()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.FromArray(new float[] { 1, 2, 3 });
        var clone = t.Clone();
        var alias = t.Alias();
        t.Fill(9);
        Assert.Equal(new float[] { 1, 2, 3 }, clone.ToArray<float>());
        Assert.Equal(new float[] { 9, 9, 9 }, alias.ToArray<float>());
    }

    [Fact]
    public void CopyTo_fills_a_span_of_the_exact_size()
    {
        using var t = torch.FromArray(new double[] { 4, 5, 6 });
        var buffer = new double[3];
        t.CopyTo<double>(buffer);
        Assert.Equal(new double[] { 4, 5, 6 }, buffer);
        var e = Assert.Throws<TorchException>(() => t.CopyTo<double>(new double[2]));
        Assert.Contains("destination holds 16 bytes but the tensor has 24", e.Message);
    }
}

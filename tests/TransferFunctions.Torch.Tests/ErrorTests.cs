namespace TransferFunctions.Torch.Tests;

/// <summary>libtorch errors reach .NET as <see cref="TorchException"/>s with libtorch's own text, never as crashes.</summary>
public class ErrorTests
{
    [Fact]
    public void Matmul_shape_mismatch_is_a_torch_exception_with_libtorchs_message()
    {
        using var a = torch.Zeros(new long[] { 2, 3 });
        using var b = torch.Zeros(new long[] { 4, 5 });
        var e = Assert.Throws<TorchException>(() => a.MatMul(b));
        Assert.Contains("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)", e.Message);
        Assert.DoesNotContain("Exception raised from", e.Message); // no C++ backtrace noise
    }

    [Fact]
    public void Cross_entropy_with_float_targets_of_the_wrong_shape_is_a_torch_exception()
    {
        using var logits = torch.Zeros(new long[] { 4, 3 });
        using var target = torch.Zeros(new long[] { 4, 2 });
        var e = Assert.Throws<TorchException>(() => Functional.CrossEntropy(logits, target));
        Assert.Contains("0D or 1D target tensor expected, multi-target not supported", e.Message);
    }

    [Fact]
    public void Cross_entropy_with_a_class_index_out_of_range_is_a_torch_exception()
    {
        using var logits = torch.Zeros(new long[] { 2, 3 });
        using var target = torch.FromArray(new long[] { 0, 7 });
        var e = Assert.Throws<TorchException>(() => Functional.CrossEntropy(logits, target));
        Assert.Contains("out of bounds", e.Message);
    }

    [Fact]
    public void Reading_int64_values_as_float_is_refused_with_the_conversion_to_use()
    {
        using var t = torch.FromArray(new long[] { 1, 2 });
        var e = Assert.Throws<TorchException>(() => t.ToArray<float>());
        Assert.Contains("cannot read a Int64 tensor as Single", e.Message);
        Assert.Contains(".To(ScalarType.Float32)", e.Message);
    }

    [Fact]
    public void Broadcasting_incompatible_shapes_is_a_torch_exception()
    {
        using var a = torch.Zeros(new long[] { 2, 3 });
        using var b = torch.Zeros(new long[] { 4 });
        var e = Assert.Throws<TorchException>(() => a + b);
        Assert.Contains("must match the size of tensor b (4)", e.Message);
    }

    [Fact]
    public void View_of_an_incompatible_size_and_out_of_range_index_are_torch_exceptions()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.Zeros(new long[] { 2, 3 });
        Assert.Contains("invalid for input of size 6", Assert.Throws<TorchException>(() => t.View(4, 2)).Message);
        Assert.Contains("out of range", Assert.Throws<TorchException>(() => t.Select(0, 5)).Message);
        Assert.Contains("Dimension out of range", Assert.Throws<TorchException>(() => t.Sum(3)).Message);
    }

    [Fact]
    public void The_engine_stays_usable_after_an_error()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.Ones(new long[] { 2, 2 });
        Assert.Throws<TorchException>(() => a.MatMul(torch.Ones(new long[] { 3, 3 })));
        Assert.Equal(new float[] { 2, 2, 2, 2 }, a.MatMul(a).ToArray<float>());
    }

    [Fact]
    public void Errors_on_another_thread_carry_that_threads_message()
    {
        // The native error slot is thread-local: concurrent failures must not swap messages.
        var messages = new string[8];
        Parallel.For(0, messages.Length, i =>
        {
            using var a = torch.Zeros(new long[] { 2, i + 3 });
            using var b = torch.Zeros(new long[] { 1, 1 });
            messages[i] = Assert.Throws<TorchException>(() => a.MatMul(b)).Message;
        });
        for (var i = 0; i < messages.Length; i++) Assert.Contains($"(2x{i + 3} and 1x1)", messages[i]);
    }

    [Fact]
    public void Using_a_disposed_tensor_throws_object_disposed()
    {
        var t = torch.Ones(new long[] { 2 });
        t.Dispose();
        Assert.True(t.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => t.Sum());
        Assert.Throws<ObjectDisposedException>(() => t.Shape);
        Assert.Throws<ObjectDisposedException>(() => t.ToArray<float>());
        using var other = torch.Ones(new long[] { 2 });
        Assert.Throws<ObjectDisposedException>(() => other + t);
        t.Dispose(); // disposing twice is harmless
    }
}

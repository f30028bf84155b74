using TransferFunctions.Torch.NN;

namespace TransferFunctions.Torch.Tests.Memory;

public class DisposeScopeTests
{
    [Fact]
    public void A_scope_disposes_the_temporaries_created_in_it()
    {
        Tensor a, b, c;
        using (var scope = torch.NewDisposeScope())
        {
            a = torch.Ones(new long[] { 3 });
            b = a * 2;
            c = b.Sum();
            Assert.Equal(3, scope.Count);
            Assert.Same(scope, DisposeScope.Current);
        }
        Assert.True(a.IsDisposed && b.IsDisposed && c.IsDisposed);
        Assert.Null(DisposeScope.Current);
    }

    [Fact]
    public void Move_to_outer_keeps_a_result_alive_past_its_scope()
    {
        Tensor kept, temp;
        using (var outer = torch.NewDisposeScope())
        {
            using (var inner = torch.NewDisposeScope())
            {
                temp = torch.Ones(new long[] { 2 });
                kept = inner.MoveToOuter(temp + 1);
                Assert.Same(outer, inner.Outer);
            }
            Assert.True(temp.IsDisposed);
            Assert.False(kept.IsDisposed);
            Assert.Equal(new float[] { 2, 2 }, kept.ToArray<float>());
            Assert.Equal(1, outer.Count);
        }
        Assert.True(kept.IsDisposed); // the outer scope owned it
    }

    [Fact]
    public void Moving_out_of_the_outermost_scope_hands_ownership_to_the_caller()
    {
        Tensor result;
        using (var scope = torch.NewDisposeScope())
            result = torch.Zeros(new long[] { 1 }).MoveToOuterDisposeScope();
        Assert.False(result.IsDisposed);
        result.Dispose();
        using (var scope = torch.NewDisposeScope())
            result = torch.Zeros(new long[] { 1 }).DetachFromDisposeScope();
        Assert.False(result.IsDisposed);
        result.Dispose();
    }

    [Fact]
    public void Parameters_and_module_buffers_are_never_collected_by_a_scope()
    {
        Linear layer;
        BatchNorm2d bn;
        using (torch.NewDisposeScope())
        {
            layer = new Linear(2, 2);
            bn = new BatchNorm2d(2);
        }
        Assert.False(layer.Weight.IsDisposed);
        Assert.All(bn.NamedBuffers(), b => Assert.False(b.Buffer.IsDisposed, b.Name));
        layer.Dispose();
        bn.Dispose();
    }

    [Fact]
    public void Scopes_are_per_thread()
    {
        using var scope = torch.NewDisposeScope();
        Tensor? fromOtherThread = null;
        var thread = new Thread(() =>
        {
            Assert.Null(DisposeScope.Current);
            fromOtherThread = torch.Ones(new long[] { 1 });
        });
        thread.Start();
        thread.Join();
        Assert.Equal(0, scope.Count);
        scope.Dispose();
        Assert.False(fromOtherThread!.IsDisposed);
        fromOtherThread.Dispose();
    }

    [Fact]
    public void Tensors_disposed_early_are_not_counted_and_scope_dispose_is_idempotent()
    {
        var scope = torch.NewDisposeScope();
        var a = torch.Ones(new long[] { 1 });
        var b = torch.Ones(new long[] { 1 });
        a.Dispose();
        Assert.Equal(1, scope.Count);
        scope.Dispose();
        scope.Dispose();
        Assert.True(b.IsDisposed);
    }
}

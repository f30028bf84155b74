namespace TransferFunctions.Torch.Tests;

public class AutogradTests
{
    [Fact]
    public void Backward_fills_grad_of_leaves_that_require_it()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.FromArray<double>(new double[] { 1, 2, 3 }, new long[] { 3 }, requiresGrad: true);
        var w = torch.FromArray(new double[] { 4, 5, 6 });
        Assert.True(x.RequiresGrad);
        Assert.False(w.RequiresGrad);
        Assert.Null(x.Grad);
        // y = Σ w·x² → dy/dx = 2·w·x
        var y = (x.Square() * w).Sum();
        Assert.True(y.RequiresGrad);
        Assert.False(y.IsLeaf);
        y.Backward();
        Assert.Equal(new double[] { 8, 20, 36 }, x.Grad!.ToArray<double>());
        Assert.Null(w.Grad);
    }

    [Fact]
    public void Gradients_accumulate_until_cleared()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.FromArray<double>(new double[] { 1, 2 }, new long[] { 2 }, requiresGrad: true);
        (x * 3).Sum().Backward();
        (x * 3).Sum().Backward();
        Assert.Equal(new double[] { 6, 6 }, x.Grad!.ToArray<double>());
        x.Grad = null;
        Assert.Null(x.Grad);
    }

    [Fact]
    public void Backward_with_an_explicit_output_gradient_and_retained_graph()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.FromArray<double>(new double[] { 1, 2 }, new long[] { 2 }, requiresGrad: true);
        var y = x * x;
        y.Backward(torch.FromArray(new double[] { 1, 10 }), retainGraph: true);
        Assert.Equal(new double[] { 2, 40 }, x.Grad!.ToArray<double>());
        y.Backward(torch.FromArray(new double[] { 1, 0 }));
        Assert.Equal(new double[] { 4, 40 }, x.Grad!.ToArray<double>());
    }

    [Fact]
    public void Detach_cuts_the_graph_but_shares_values()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.FromArray<double>(new double[] { 2 }, new long[] { 1 }, requiresGrad: true);
        var d = x.Detach();
        Assert.False(d.RequiresGrad);
        Assert.True(d.IsLeaf);
        // Only the attached factor carries gradient: d(x·stop(x))/dx = stop(x) = 2.
        (x * d).Sum().Backward();
        Assert.Equal(new double[] { 2 }, x.Grad!.ToArray<double>());
        using (torch.NoGrad()) x.AddInPlace(1);
        Assert.Equal(new double[] { 3 }, d.ToArray<double>());
    }

    [Fact]
    public void No_grad_scope_records_nothing_and_restores_the_mode()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.FromArray<double>(new double[] { 1, 2 }, new long[] { 2 }, requiresGrad: true);
        Assert.True(torch.IsGradEnabled);
        Tensor y;
        using (torch.NoGrad())
        {
            Assert.False(torch.IsGradEnabled);
            y = (x * 2).Sum();
            using (torch.EnableGrad())
            {
                Assert.True(torch.IsGradEnabled);
                Assert.True((x * 2).RequiresGrad);
            }
            Assert.False(torch.IsGradEnabled);
        }
        Assert.True(torch.IsGradEnabled);
        Assert.False(y.RequiresGrad);
        var e = Assert.Throws<TorchException>(() => y.Backward());
        Assert.Contains("does not require grad", e.Message);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void Setting_requires_grad_on_a_tensor_makes_it_a_trainable_leaf()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.FromArray(new double[] { 3 });
        x.RequiresGrad = true;
        (x * x * x).Sum().Backward();
        Assert.Equal(new double[] { 27 }, x.Grad!.ToArray<double>());
    }

    [Fact]
    public void Functional_grad_returns_gradients_without_touching_grad_fields()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.FromArray<double>(new double[] { 1, 2 }, new long[] { 2 }, requiresGrad: true);
        var unused = torch.FromArray<double>(new double[] { 5 }, new long[] { 1 }, requiresGrad: true);
        var y = (x * x).Sum();
        var grads = torch.Grad(new[] { y }, new[] { x, unused });
        Assert.Equal(new double[] { 2, 4 }, grads[0]!.ToArray<double>());
        Assert.Null(grads[1]);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void Create_graph_allows_second_derivatives()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.FromArray<double>(new double[] { 3 }, new long[] { 1 }, requiresGrad: true);
        var y = (x * x * x).Sum();
        var dy = torch.Grad(new[] { y }, new[] { x }, createGraph: true)[0]!; // 3x² = 27
        Assert.Equal(27, dy.Sum().Item());
        dy.Sum().Backward(); // 6x = 18
        Assert.Equal(new double[] { 18 }, x.Grad!.ToArray<double>());
    }
}

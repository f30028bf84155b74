namespace TransferFunctions.Torch.Tests.Support;

/// <summary>Gradients by central differences, the independent reference for autograd.</summary>
internal static class FiniteDifferences
{
    /// <summary>∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for every coordinate of <paramref name="point"/>.</summary>
    public static double[] Gradient(Func<double[], double> f, double[] point, double h = 1e-6)
    {
        var x = (double[])point.Clone();
        var grad = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var original = x[i];
            x[i] = original + h;
            var up = f(x);
            x[i] = original - h;
            var down = f(x);
            x[i] = original;
            grad[i] = (up - down) / (2 * h);
        }
        return grad;
    }

    /// <summary>
    /// Checks autograd against central differences for each input of a float64 function: the
    /// function receives the inputs as tensors and returns a scalar tensor.
    /// </summary>
    public static void AssertMatchesAutograd(Func<Tensor[], Tensor> function, IReadOnlyList<(double[] Values, long[] Shape)> inputs,
        double rtol = 1e-6, double atol = 1e-8, string what = "gradient")
    {
        double[] analytic;
        var grads = new double[inputs.Count][];
        using (var scope = torch.NewDisposeScope())
        {
            var leaves = inputs.Select(i => torch.FromArray<double>(i.Values, i.Shape, requiresGrad: true)).ToArray();
            function(leaves).Backward();
            for (var k = 0; k < leaves.Length; k++)
            {
                var g = leaves[k].Grad;
                Assert.True(g is not null, $"{what}: input {k} got no gradient");
                grads[k] = g!.ToArray<double>();
            }
        }
        for (var k = 0; k < inputs.Count; k++)
        {
            var index = k;
            double Evaluate(double[] x)
            {
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.NoGrad();
                var tensors = inputs.Select((input, j) => torch.FromArray<double>(j == index ? x : input.Values, input.Shape)).ToArray();
                return function(tensors).Item();
            }
            analytic = grads[k];
            var numeric = Gradient(Evaluate, inputs[k].Values);
            Check.Close(numeric, analytic, rtol, atol, $"{what} of input {k}");
        }
    }

    /// <summary>Reproducible values in [-1, 1) for test inputs, independent of libtorch's generator.</summary>
    public static double[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }
}

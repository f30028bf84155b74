namespace TransferFunctions.Torch.Tests.Support;

/// <summary>Numeric assertions that say which element differs and by how much.</summary>
internal static class Check
{
    /// <summary>Passes when |actual − expected| ≤ atol + rtol·|expected| for every element.</summary>
    public static void Close(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double rtol = 1e-6, double atol = 1e-9, string what = "values")
    {
        Assert.True(expected.Count == actual.Count, $"{what}: expected {expected.Count} elements, got {actual.Count}");
        for (var i = 0; i < expected.Count; i++)
        {
            var diff = Math.Abs(actual[i] - expected[i]);
            if (!(diff <= atol + rtol * Math.Abs(expected[i])))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (|diff| {diff:E3}, allowed {atol + rtol * Math.Abs(expected[i]):E3})");
        }
    }

    public static void Close(IReadOnlyList<float> expected, IReadOnlyList<float> actual, double rtol = 1e-5, double atol = 1e-6, string what = "values") =>
        Close(expected.Select(v => (double)v).ToArray(), actual.Select(v => (double)v).ToArray(), rtol, atol, what);

    public static void Close(IReadOnlyList<double> expected, IReadOnlyList<float> actual, double rtol = 1e-5, double atol = 1e-6, string what = "values") =>
        Close(expected, actual.Select(v => (double)v).ToArray(), rtol, atol, what);

    public static void Close(double expected, double actual, double rtol = 1e-6, double atol = 1e-9, string what = "value") =>
        Close(new[] { expected }, new[] { actual }, rtol, atol, what);

    /// <summary>The tensor's values as doubles, whatever its floating dtype.</summary>
    public static double[] Values(Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        return t.Detach().To(ScalarType.Float64).ToArray<double>();
    }
}

namespace TransferFunctions.Pipeline.Reports.Svg;

/// <summary>A named line of a <see cref="LineChart"/>; points are joined in the order given.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points)
{
    /// <summary>Pairs <paramref name="xs"/> with <paramref name="ys"/> (e.g. epochs with losses).</summary>
    public static ChartSeries From(string name, IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        if (xs.Count != ys.Count)
        {
            throw new ArgumentException($"Series '{name}' has {xs.Count} x values but {ys.Count} y values.", nameof(ys));
        }

        return new ChartSeries(name, xs.Zip(ys, (x, y) => new ChartPoint(x, y)).ToArray());
    }
}

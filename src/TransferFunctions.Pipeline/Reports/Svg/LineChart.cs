using System.Globalization;

namespace TransferFunctions.Pipeline.Reports.Svg;

/// <summary>
/// Line chart of named (x, y) series with gridlines at nice tick values, an optional base-10 log x axis with decade
/// ticks, axis labels, a title and a legend; e.g. accuracy against labels per class, or loss per epoch.
/// </summary>
public sealed record LineChart
{
    public string Title { get; init; } = "";

    public string XAxisLabel { get; init; } = "";

    public string YAxisLabel { get; init; } = "";

    /// <summary>Plots x on a base-10 log scale; every x must then be positive.</summary>
    public bool LogScaleX { get; init; }

    /// <summary>The y axis reaches at least down to this value (e.g. 0 for accuracy); data below extends it.</summary>
    public double? YMinimum { get; init; }

    /// <summary>The y axis reaches at least up to this value (e.g. 1 for accuracy); data above extends it.</summary>
    public double? YMaximum { get; init; }

    public int Width { get; init; } = 640;

    public int Height { get; init; } = 400;

    public IReadOnlyList<ChartSeries> Series { get; init; } = [];

    private const int MaxLegendCharacters = 32;

    /// <summary>Renders the chart as a standalone <c>&lt;svg&gt;</c> element.</summary>
    public string ToSvg()
    {
        Validate();
        ChartPoint[] all = Series.SelectMany(s => s.Points).ToArray();
        string[] legendNames = Series.Select(s => Shorten(s.Name)).ToArray();
        double legendWidth = legendNames.Length == 0 ? 0 : legendNames.Max(n => SvgBuilder.TextWidth(n)) + 40;
        double left = 68;
        double right = Width - 16 - legendWidth;
        double top = string.IsNullOrEmpty(Title) ? 16 : 40;
        double bottom = Height - (string.IsNullOrEmpty(XAxisLabel) ? 32 : 50);
        if (right - left < 80)
        {
            throw new ArgumentException(
                $"LineChart width {Width} leaves no room for the plot beside a {legendWidth:0}px legend; widen the chart or shorten series names.");
        }

        AxisScale x = XScale(all, left, right);
        double yMin = Math.Min(all.Length == 0 ? 0 : all.Min(p => p.Y), YMinimum ?? double.PositiveInfinity);
        double yMax = Math.Max(all.Length == 0 ? 1 : all.Max(p => p.Y), YMaximum ?? double.NegativeInfinity);
        AxisScale y = AxisScale.Linear(yMin, yMax, bottom, top);

        var svg = new SvgBuilder(Width, Height, string.IsNullOrEmpty(Title) ? "Line chart" : Title);
        foreach ((double value, string label) in x.Ticks)
        {
            double px = x.Map(value);
            svg.Line(px, top, px, bottom, Palette.Grid);
            svg.Text(px, bottom + 16, label, anchor: "middle", fill: Palette.Muted);
        }

        foreach ((double value, string label) in y.Ticks)
        {
            double py = y.Map(value);
            svg.Line(left, py, right, py, Palette.Grid);
            svg.Text(left - 6, py + 4, label, anchor: "end", fill: Palette.Muted);
        }

        svg.Line(left, bottom, right, bottom, Palette.Axis);
        svg.Line(left, top, left, bottom, Palette.Axis);
        for (int s = 0; s < Series.Count; s++)
        {
            ChartSeries series = Series[s];
            string color = Palette.SeriesColor(s);
            if (series.Points.Count > 1)
            {
                svg.Polyline(series.Points.Select(p => (x.Map(p.X), y.Map(p.Y))), color, 2, Palette.SeriesDash(s));
            }

            foreach (ChartPoint p in series.Points)
            {
                svg.Circle(x.Map(p.X), y.Map(p.Y), 3, color, $"{series.Name}: ({Format(p.X)}, {Format(p.Y)})");
            }

            double legendY = top + 8 + s * 18;
            svg.Line(right + 16, legendY, right + 36, legendY, color, 2, Palette.SeriesDash(s));
            svg.Text(right + 42, legendY + 4, legendNames[s]);
        }

        if (all.Length == 0)
        {
            svg.Text((left + right) / 2, (top + bottom) / 2, "no data", anchor: "middle", fill: Palette.Muted);
        }

        if (!string.IsNullOrEmpty(Title))
        {
            svg.Text(Width / 2.0, 24, Title, anchor: "middle", size: 15, bold: true);
        }

        if (!string.IsNullOrEmpty(XAxisLabel))
        {
            svg.Text((left + right) / 2, Height - 12, XAxisLabel, anchor: "middle");
        }

        if (!string.IsNullOrEmpty(YAxisLabel))
        {
            svg.Text(18, (top + bottom) / 2, YAxisLabel, anchor: "middle", rotate: -90);
        }

        return svg.Build();
    }

    private AxisScale XScale(ChartPoint[] all, double left, double right)
    {
        if (LogScaleX)
        {
            return all.Length == 0
                ? AxisScale.Log10(1, 10, left, right)
                : AxisScale.Log10(all.Min(p => p.X), all.Max(p => p.X), left, right);
        }

        return all.Length == 0
            ? AxisScale.Linear(0, 1, left, right)
            : AxisScale.Linear(all.Min(p => p.X), all.Max(p => p.X), left, right);
    }

    private void Validate()
    {
        if (Width < 200 || Height < 150)
        {
            throw new ArgumentException($"LineChart is {Width}×{Height}px; it needs at least 200×150.");
        }

        ArgumentNullException.ThrowIfNull(Series, nameof(Series));
        for (int s = 0; s < Series.Count; s++)
        {
            ChartSeries series = Series[s] ?? throw new ArgumentException($"LineChart series {s} is null.");
            if (series.Name is null || series.Points is null)
            {
                throw new ArgumentException($"LineChart series {s} has no name or no points list.");
            }

            for (int i = 0; i < series.Points.Count; i++)
            {
                ChartPoint p = series.Points[i];
                if (!double.IsFinite(p.X) || !double.IsFinite(p.Y))
                {
                    throw new ArgumentException($"Series '{series.Name}' point {i} is ({p.X}, {p.Y}); coordinates must be finite.");
                }

                if (LogScaleX && p.X <= 0)
                {
                    throw new ArgumentException($"Series '{series.Name}' point {i} has x = {p.X}; a log-scale x axis needs x > 0.");
                }
            }
        }

        if (YMinimum is { } min && YMaximum is { } max && !(min < max))
        {
            throw new ArgumentException($"LineChart YMinimum {min} must be below YMaximum {max}.");
        }
    }

    private static string Shorten(string name) =>
        name.Length <= MaxLegendCharacters ? name : name[..(MaxLegendCharacters - 1)] + "…";

    private static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}

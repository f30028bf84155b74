using System.Globalization;

namespace TransferFunctions.Pipeline.Reports.Svg;

/// <summary>
/// Vertical bar chart of signed values around a zero line, positive bars green and negative red, each labelled with
/// its value; e.g. the per-class accuracy change of a candidate over the champion.
/// </summary>
public sealed record BarChart
{
    public string Title { get; init; } = "";

    public string YAxisLabel { get; init; } = "";

    public IReadOnlyList<BarValue> Bars { get; init; } = [];

    /// <summary>.NET custom numeric format for bar labels; "+0.0%;-0.0%;0%" shows fractions as signed percentages.</summary>
    public string ValueFormat { get; init; } = "+0.###;-0.###;0";

    /// <summary>.NET custom numeric format for the y-axis ticks (e.g. "0%"); null labels them as plain numbers.</summary>
    public string? AxisFormat { get; init; }

    public int Width { get; init; } = 640;

    public int Height { get; init; } = 360;

    private const int MaxLabelCharacters = 24;

    /// <summary>Renders the chart as a standalone <c>&lt;svg&gt;</c> element.</summary>
    public string ToSvg()
    {
        Validate();
        string[] names = Bars.Select(b => b.Label.Length <= MaxLabelCharacters ? b.Label : b.Label[..(MaxLabelCharacters - 1)] + "…").ToArray();
        double left = 68;
        double right = Width - 16;
        double top = string.IsNullOrEmpty(Title) ? 20 : 44;
        double slot = Bars.Count == 0 ? right - left : (right - left) / Bars.Count;
        double widest = names.Length == 0 ? 0 : names.Max(n => SvgBuilder.TextWidth(n));
        bool rotateLabels = widest > slot - 4;
        double labelArea = rotateLabels ? Math.Min(widest * 0.72, 140) + 16 : 24;
        double bottom = Height - labelArea - 8;
        if (bottom - top < 60)
        {
            throw new ArgumentException($"BarChart height {Height} leaves no room for bars under the labels; make it taller.");
        }

        double min = Bars.Count == 0 ? 0 : Math.Min(0, Bars.Min(b => b.Value));
        double max = Bars.Count == 0 ? 0 : Math.Max(0, Bars.Max(b => b.Value));
        AxisScale y = AxisScale.Linear(min, max, bottom, top);

        var svg = new SvgBuilder(Width, Height, string.IsNullOrEmpty(Title) ? "Bar chart" : Title);
        foreach ((double value, string label) in y.Ticks)
        {
            double py = y.Map(value);
            svg.Line(left, py, right, py, Palette.Grid);
            string text = AxisFormat is null ? label : value.ToString(AxisFormat, CultureInfo.InvariantCulture);
            svg.Text(left - 6, py + 4, text, anchor: "end", fill: Palette.Muted);
        }

        double zero = y.Map(0);
        for (int i = 0; i < Bars.Count; i++)
        {
            BarValue bar = Bars[i];
            double center = left + (i + 0.5) * slot;
            double barWidth = Math.Max(slot * 0.7, 1);
            double end = y.Map(bar.Value);
            bool negative = bar.Value < 0;
            string valueText = bar.Value.ToString(ValueFormat, CultureInfo.InvariantCulture);
            svg.Rect(center - barWidth / 2, Math.Min(zero, end), barWidth, Math.Abs(end - zero),
                negative ? Palette.Negative : Palette.Positive, $"{bar.Label}: {valueText}");
            svg.Text(center, negative ? end + 14 : end - 5, valueText, anchor: "middle", size: 11, fill: Palette.Muted);
            if (rotateLabels)
            {
                svg.Text(center, bottom + 14, names[i], anchor: "end", rotate: -45);
            }
            else
            {
                svg.Text(center, bottom + 18, names[i], anchor: "middle");
            }
        }

        svg.Line(left, top, left, bottom, Palette.Axis);
        svg.Line(left, zero, right, zero, Palette.Axis);
        if (Bars.Count == 0)
        {
            svg.Text((left + right) / 2, (top + bottom) / 2, "no data", anchor: "middle", fill: Palette.Muted);
        }

        if (!string.IsNullOrEmpty(Title))
        {
            svg.Text(Width / 2.0, 26, Title, anchor: "middle", size: 15, bold: true);
        }

        if (!string.IsNullOrEmpty(YAxisLabel))
        {
            svg.Text(18, (top + bottom) / 2, YAxisLabel, anchor: "middle", rotate: -90);
        }

        return svg.Build();
    }

    private void Validate()
    {
        if (Width < 200 || Height < 150)
        {
            throw new ArgumentException($"BarChart is {Width}×{Height}px; it needs at least 200×150.");
        }

        ArgumentNullException.ThrowIfNull(Bars, nameof(Bars));
        for (int i = 0; i < Bars.Count; i++)
        {
            BarValue? bar = Bars[i];
            if (bar?.Label is null)
            {
                throw new ArgumentException($"BarChart bar {i} or its label is null.");
            }

            if (!double.IsFinite(bar.Value))
            {
                throw new ArgumentException($"BarChart bar {i} ('{bar.Label}') has value {bar.Value}; values must be finite.");
            }
        }
    }
}

namespace TransferFunctions.Pipeline.Reports.Svg;

/// <summary>
/// Confusion-matrix heatmap: rows are true classes, columns predicted classes, each cell shows its count and is
/// shaded by its share of the row (recall on the diagonal), so rare and common classes read alike.
/// </summary>
/// <param name="Labels">Class names, in index order.</param>
/// <param name="Counts">Square count matrix, [true][predicted], as in <c>ClassificationReport.ConfusionMatrix</c>.</param>
public sealed record ConfusionMatrixChart(IReadOnlyList<string> Labels, int[][] Counts)
{
    public string Title { get; init; } = "";

    private const int MaxLabelCharacters = 24;

    /// <summary>Renders the chart as a standalone <c>&lt;svg&gt;</c> element, sized to the number of classes.</summary>
    public string ToSvg()
    {
        Validate();
        int k = Labels.Count;
        string[] names = Labels.Select(l => l.Length <= MaxLabelCharacters ? l : l[..(MaxLabelCharacters - 1)] + "…").ToArray();
        double cell = Math.Clamp(420.0 / k, 22, 60);
        double labelWidth = names.Max(n => SvgBuilder.TextWidth(n)) + 10;
        double left = 30 + labelWidth;
        double top = string.IsNullOrEmpty(Title) ? 16 : 44;
        double grid = k * cell;
        double columnLabelHeight = labelWidth * 0.7;
        double width = Math.Max(left + grid + 20, 220);
        double height = top + grid + columnLabelHeight + 28;
        double countSize = Math.Min(SvgBuilder.FontSize, cell * 0.36);

        var svg = new SvgBuilder(width, height, string.IsNullOrEmpty(Title) ? "Confusion matrix" : Title);
        for (int t = 0; t < k; t++)
        {
            long rowTotal = Counts[t].Sum(c => (long)c);
            double y = top + t * cell;
            svg.Text(left - 6, y + cell / 2 + 4, names[t], anchor: "end");
            for (int p = 0; p < k; p++)
            {
                double share = rowTotal == 0 ? 0 : (double)Counts[t][p] / rowTotal;
                double x = left + p * cell;
                string tooltip = $"true {Labels[t]}, predicted {Labels[p]}: {Counts[t][p]} ({share:P1} of row)";
                svg.Rect(x, y, cell, cell, Palette.Heat(share), tooltip, stroke: "#ffffff");
                svg.Text(x + cell / 2, y + cell / 2 + countSize * 0.35, Counts[t][p].ToString(System.Globalization.CultureInfo.InvariantCulture),
                    anchor: "middle", size: countSize, fill: share > 0.5 ? "#ffffff" : "#222222", bold: t == p);
            }
        }

        for (int p = 0; p < k; p++)
        {
            double x = left + p * cell + cell / 2;
            svg.Text(x, top + grid + 12, names[p], anchor: "end", rotate: -45);
        }

        svg.Text(left + grid / 2, height - 10, "Predicted", anchor: "middle", bold: true);
        svg.Text(14, top + grid / 2, "True", anchor: "middle", bold: true, rotate: -90);
        if (!string.IsNullOrEmpty(Title))
        {
            svg.Text(width / 2, 26, Title, anchor: "middle", size: 15, bold: true);
        }

        return svg.Build();
    }

    private void Validate()
    {
        ArgumentNullException.ThrowIfNull(Labels, nameof(Labels));
        ArgumentNullException.ThrowIfNull(Counts, nameof(Counts));
        if (Labels.Count == 0)
        {
            throw new ArgumentException("ConfusionMatrixChart needs at least one class label.");
        }

        if (Counts.Length != Labels.Count)
        {
            throw new ArgumentException($"ConfusionMatrixChart has {Labels.Count} labels but {Counts.Length} count rows.");
        }

        for (int t = 0; t < Counts.Length; t++)
        {
            if (Labels[t] is null)
            {
                throw new ArgumentException($"ConfusionMatrixChart label {t} is null.");
            }

            if (Counts[t] is null || Counts[t].Length != Labels.Count)
            {
                throw new ArgumentException(
                    $"ConfusionMatrixChart row {t} ('{Labels[t]}') has {Counts[t]?.Length ?? 0} columns; expected {Labels.Count}.");
            }

            for (int p = 0; p < Counts[t].Length; p++)
            {
                if (Counts[t][p] < 0)
                {
                    throw new ArgumentException($"ConfusionMatrixChart count [{t}][{p}] is {Counts[t][p]}; counts cannot be negative.");
                }
            }
        }
    }
}

using System.Xml.Linq;
using TransferFunctions.Pipeline.Reports.Svg;

namespace TransferFunctions.Pipeline.Tests.Reports.Svg;

public sealed class ConfusionMatrixChartTests
{
    [Fact]
    public void Heatmap_names_the_classes_and_shows_every_count()
    {
        var chart = new ConfusionMatrixChart(["T-shirt/top", "Trouser", "Bag & <co>"], [[50, 3, 1], [2, 40, 0], [0, 0, 7]])
        {
            Title = "Candidate",
        };

        XDocument svg = SvgDocument.Parse(chart.ToSvg());

        string[] texts = SvgDocument.Texts(svg).ToArray();
        foreach (string label in new[] { "T-shirt/top", "Trouser", "Bag & <co>", "Candidate", "Predicted", "True" })
        {
            Assert.Contains(label, texts);
        }

        foreach (string count in new[] { "50", "3", "1", "2", "40", "7" })
        {
            Assert.Contains(count, texts);
        }

        Assert.Equal(9, CellFills(svg).Count);
        SvgDocument.AssertAllCoordinatesFinite(svg);
    }

    [Fact]
    public void Cells_are_shaded_by_their_share_of_the_row()
    {
        // Row a: 90 of 100 on the diagonal; row b: 9 of 10. Same share → same shade, whatever the counts.
        var chart = new ConfusionMatrixChart(["a", "b"], [[90, 10], [1, 9]]);

        Dictionary<string, string> fills = CellFills(SvgDocument.Parse(chart.ToSvg()));

        Assert.Equal(fills["true a, predicted a"], fills["true b, predicted b"]);
        Assert.Equal(fills["true a, predicted b"], fills["true b, predicted a"]);
        Assert.NotEqual(fills["true a, predicted a"], fills["true a, predicted b"]);
    }

    [Fact]
    public void Empty_row_is_drawn_without_dividing_by_zero()
    {
        var chart = new ConfusionMatrixChart(["a", "b"], [[0, 0], [3, 4]]);

        XDocument svg = SvgDocument.Parse(chart.ToSvg());

        SvgDocument.AssertAllCoordinatesFinite(svg);
        Assert.Equal("#f7fbff", CellFills(svg)["true a, predicted a"]);
    }

    [Fact]
    public void Non_square_counts_are_rejected_naming_the_row()
    {
        var chart = new ConfusionMatrixChart(["a", "b"], [[1, 2], [3]]);

        var error = Assert.Throws<ArgumentException>(() => chart.ToSvg());

        Assert.Contains("row 1 ('b') has 1 columns; expected 2", error.Message);
    }

    private static Dictionary<string, string> CellFills(XDocument svg) =>
        svg.Descendants(SvgDocument.Ns + "rect")
            .Where(r => r.Element(SvgDocument.Ns + "title") is not null)
            .ToDictionary(
                r => r.Element(SvgDocument.Ns + "title")!.Value.Split(':')[0],
                r => r.Attribute("fill")!.Value);
}

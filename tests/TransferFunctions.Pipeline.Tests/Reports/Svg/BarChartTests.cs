using System.Xml.Linq;
using TransferFunctions.Pipeline.Reports.Svg;

namespace TransferFunctions.Pipeline.Tests.Reports.Svg;

public sealed class BarChartTests
{
    [Fact]
    public void Gains_and_losses_are_coloured_and_labelled_with_their_values()
    {
        var chart = new BarChart
        {
            Title = "Per-class accuracy change",
            YAxisLabel = "Δ accuracy",
            Bars = [new BarValue("Sneaker", 0.05), new BarValue("Shirt", -0.1), new BarValue("Bag", 0)],
        };

        XDocument svg = SvgDocument.Parse(chart.ToSvg());

        string[] texts = SvgDocument.Texts(svg).ToArray();
        Assert.Contains("+0.05", texts);
        Assert.Contains("-0.1", texts);
        Assert.Contains("Sneaker", texts);
        Assert.Contains("Shirt", texts);
        Assert.Contains("Δ accuracy", texts);
        Dictionary<string, XElement> bars = Bars(svg);
        Assert.Equal("#2ca02c", bars["Sneaker"].Attribute("fill")!.Value);
        Assert.Equal("#d62728", bars["Shirt"].Attribute("fill")!.Value);

        // The loss is twice the gain, so its bar is twice as tall.
        double gain = double.Parse(bars["Sneaker"].Attribute("height")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        double loss = double.Parse(bars["Shirt"].Attribute("height")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(2 * gain, loss, 1);
    }

    [Fact]
    public void Value_and_axis_formats_can_show_percentages()
    {
        var chart = new BarChart { Bars = [new BarValue("a", 0.034)], ValueFormat = "+0.0%;-0.0%;0%", AxisFormat = "0%" };

        string[] texts = SvgDocument.Texts(SvgDocument.Parse(chart.ToSvg())).ToArray();

        // range 0.034 over 5 intervals is 0.0068 → step 0.01, ticks 0 … 0.04 shown as 0% … 4%.
        Assert.Contains("+3.4%", texts);
        Assert.Contains("4%", texts);
        Assert.Contains("1%", texts);
    }

    [Fact]
    public void All_zero_and_empty_charts_give_only_finite_coordinates()
    {
        SvgDocument.AssertAllCoordinatesFinite(SvgDocument.Parse(new BarChart { Bars = [new BarValue("a", 0)] }.ToSvg()));
        SvgDocument.AssertAllCoordinatesFinite(SvgDocument.Parse(new BarChart().ToSvg()));
    }

    [Fact]
    public void Many_long_labels_are_rotated_and_still_present()
    {
        BarValue[] bars = Enumerable.Range(0, 10).Select(i => new BarValue($"long class name {i}", i - 5)).ToArray();

        XDocument svg = SvgDocument.Parse(new BarChart { Bars = bars }.ToSvg());

        Assert.Contains("long class name 9", SvgDocument.Texts(svg));
        Assert.Contains(svg.Descendants(SvgDocument.Ns + "text"), t => t.Attribute("transform")?.Value.StartsWith("rotate(-45") == true);
    }

    [Fact]
    public void Overlong_label_is_shortened_on_the_axis_but_kept_whole_in_the_tooltip()
    {
        const string name = "a class name far too long to fit under its bar";

        XDocument svg = SvgDocument.Parse(new BarChart { Bars = [new BarValue(name, 1)] }.ToSvg());

        Assert.Contains("a class name far too lo…", SvgDocument.Texts(svg));
        Assert.Contains(name, Bars(svg).Keys);
    }

    [Fact]
    public void Infinite_value_is_rejected_naming_the_bar()
    {
        var error = Assert.Throws<ArgumentException>(
            () => new BarChart { Bars = [new BarValue("Coat", double.PositiveInfinity)] }.ToSvg());

        Assert.Contains("bar 0 ('Coat')", error.Message);
    }

    private static Dictionary<string, XElement> Bars(XDocument svg) =>
        svg.Descendants(SvgDocument.Ns + "rect")
            .Where(r => r.Element(SvgDocument.Ns + "title") is not null)
            .ToDictionary(r => r.Element(SvgDocument.Ns + "title")!.Value.Split(':')[0]);
}

using System.Xml.Linq;
using TransferFunctions.Pipeline.Reports.Svg;

namespace TransferFunctions.Pipeline.Tests.Reports.Svg;

public sealed class LineChartTests
{
    [Fact]
    public void Output_is_well_formed_xml_naming_every_series_and_label()
    {
        var chart = new LineChart
        {
            Title = "Loss & accuracy <per epoch>",
            XAxisLabel = "epoch",
            YAxisLabel = "value",
            Series =
            [
                ChartSeries.From("train \"loss\"", [1, 2, 3], [0.9, 0.5, 0.3]),
                ChartSeries.From("val accuracy", [1, 2, 3], [0.6, 0.7, 0.75]),
            ],
        };

        XDocument svg = SvgDocument.Parse(chart.ToSvg());

        string[] texts = SvgDocument.Texts(svg).ToArray();
        Assert.Contains("Loss & accuracy <per epoch>", texts);
        Assert.Contains("train \"loss\"", texts);
        Assert.Contains("val accuracy", texts);
        Assert.Contains("epoch", texts);
        Assert.Contains("value", texts);
        Assert.Equal("Loss & accuracy <per epoch>", svg.Root!.Element(SvgDocument.Ns + "title")!.Value);
        Assert.Equal(2, svg.Descendants(SvgDocument.Ns + "polyline").Count());
        string[] strokes = svg.Descendants(SvgDocument.Ns + "polyline").Select(p => p.Attribute("stroke")!.Value).ToArray();
        Assert.NotEqual(strokes[0], strokes[1]);
    }

    [Fact]
    public void Log_axis_places_ten_midway_between_one_and_one_hundred()
    {
        var chart = new LineChart { LogScaleX = true, Series = [ChartSeries.From("accuracy", [1, 10, 100], [0.2, 0.5, 0.9])] };

        XDocument svg = SvgDocument.Parse(chart.ToSvg());

        (double X, double Y)[] points = SvgDocument.PolylinePoints(svg.Descendants(SvgDocument.Ns + "polyline").Single());
        Assert.True(points[0].X < points[1].X && points[1].X < points[2].X);
        Assert.Equal(points[1].X - points[0].X, points[2].X - points[1].X, 1);
    }

    [Fact]
    public void Log_axis_has_a_labelled_tick_at_every_decade_spanning_the_data()
    {
        var chart = new LineChart { LogScaleX = true, Series = [ChartSeries.From("per class", [5, 50, 500], [0.1, 0.4, 0.8])] };

        string[] texts = SvgDocument.Texts(SvgDocument.Parse(chart.ToSvg())).ToArray();

        Assert.Contains("1", texts);
        Assert.Contains("10", texts);
        Assert.Contains("100", texts);
        Assert.Contains("1000", texts);
    }

    [Fact]
    public void Single_point_and_constant_series_give_only_finite_coordinates()
    {
        foreach (bool log in new[] { false, true })
        {
            var chart = new LineChart
            {
                LogScaleX = log,
                Series = [ChartSeries.From("single", [3], [0.5]), ChartSeries.From("flat", [3, 3], [0.5, 0.5])],
            };

            XDocument svg = SvgDocument.Parse(chart.ToSvg());

            SvgDocument.AssertAllCoordinatesFinite(svg);
            Assert.Equal(3, svg.Descendants(SvgDocument.Ns + "circle").Count());
        }
    }

    [Fact]
    public void Chart_without_points_renders_a_no_data_notice()
    {
        XDocument svg = SvgDocument.Parse(new LineChart { Title = "empty" }.ToSvg());

        Assert.Contains("no data", SvgDocument.Texts(svg));
        SvgDocument.AssertAllCoordinatesFinite(svg);
    }

    [Fact]
    public void Y_axis_extends_to_the_requested_range()
    {
        var chart = new LineChart { YMinimum = 0, YMaximum = 1, Series = [ChartSeries.From("acc", [1, 2], [0.62, 0.71])] };

        string[] texts = SvgDocument.Texts(SvgDocument.Parse(chart.ToSvg())).ToArray();

        Assert.Contains("0", texts);
        Assert.Contains("1.0", texts);
    }

    [Fact]
    public void Non_positive_x_on_a_log_axis_is_rejected_naming_the_series()
    {
        var chart = new LineChart { LogScaleX = true, Series = [ChartSeries.From("labels", [0, 10], [0.1, 0.2])] };

        var error = Assert.Throws<ArgumentException>(() => chart.ToSvg());

        Assert.Contains("Series 'labels' point 0 has x = 0", error.Message);
    }

    [Fact]
    public void Non_finite_value_is_rejected_naming_the_series()
    {
        var chart = new LineChart { Series = [ChartSeries.From("loss", [1, 2], [0.5, double.NaN])] };

        var error = Assert.Throws<ArgumentException>(() => chart.ToSvg());

        Assert.Contains("Series 'loss' point 1", error.Message);
    }

    [Fact]
    public void Control_characters_in_names_still_give_well_formed_xml()
    {
        var chart = new LineChart { Series = [ChartSeries.From("bad\u0001name", [1, 2], [1, 2])] };

        string[] texts = SvgDocument.Texts(SvgDocument.Parse(chart.ToSvg())).ToArray();

        Assert.Contains("bad\uFFFDname", texts);
    }
}

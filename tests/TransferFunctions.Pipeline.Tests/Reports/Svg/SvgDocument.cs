using System.Globalization;
using System.Xml.Linq;

namespace TransferFunctions.Pipeline.Tests.Reports.Svg;

/// <summary>Parses chart output as XML and reads it back the way a renderer would.</summary>
internal static class SvgDocument
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    private static readonly string[] NumericAttributes = ["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height"];

    public static XDocument Parse(string svg)
    {
        XDocument document = XDocument.Parse(svg);
        Assert.Equal(Ns + "svg", document.Root!.Name);
        return document;
    }

    public static IEnumerable<string> Texts(XDocument document) =>
        document.Descendants(Ns + "text").Select(t => t.Value);

    public static void AssertAllCoordinatesFinite(XDocument document)
    {
        foreach (XElement element in document.Descendants())
        {
            foreach (string name in NumericAttributes)
            {
                if (element.Attribute(name) is { } attribute)
                {
                    AssertFinite(attribute.Value, element.Name.LocalName, name);
                }
            }

            if (element.Attribute("points") is { } points)
            {
                foreach (string pair in points.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    foreach (string coordinate in pair.Split(','))
                    {
                        AssertFinite(coordinate, element.Name.LocalName, "points");
                    }
                }
            }
        }
    }

    public static (double X, double Y)[] PolylinePoints(XElement polyline) =>
        polyline.Attribute("points")!.Value.Split(' ')
            .Select(pair => pair.Split(','))
            .Select(xy => (double.Parse(xy[0], CultureInfo.InvariantCulture), double.Parse(xy[1], CultureInfo.InvariantCulture)))
            .ToArray();

    private static void AssertFinite(string value, string element, string attribute)
    {
        Assert.True(
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number),
            $"<{element} {attribute}=\"{value}\"> is not a finite number");
    }
}

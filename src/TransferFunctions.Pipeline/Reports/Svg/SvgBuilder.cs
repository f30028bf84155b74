using System.Globalization;
using System.Text;

namespace TransferFunctions.Pipeline.Reports.Svg;

/// <summary>
/// Writes one self-contained <c>&lt;svg&gt;</c> element: every text escaped, every coordinate a finite invariant-culture
/// number, no ids (so many charts can be inlined in one HTML page without clashes).
/// </summary>
internal sealed class SvgBuilder
{
    public const double FontSize = 12;

    private readonly StringBuilder _svg = new();

    public SvgBuilder(double width, double height, string title)
    {
        _svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\"")
            .Append(" width=\"").Append(Number(width)).Append("\" height=\"").Append(Number(height)).Append('"')
            .Append(" viewBox=\"0 0 ").Append(Number(width)).Append(' ').Append(Number(height)).Append('"')
            .Append(" role=\"img\" font-family=\"system-ui, 'Segoe UI', Helvetica, Arial, sans-serif\"")
            .Append(" font-size=\"").Append(Number(FontSize)).Append("\">");
        _svg.Append("<title>").Append(Escape(title)).Append("</title>");
        _svg.Append("<rect x=\"0\" y=\"0\" width=\"").Append(Number(width)).Append("\" height=\"").Append(Number(height))
            .Append("\" fill=\"#ffffff\"/>");
    }

    /// <summary>Rough rendered width of <paramref name="text"/>, for layout without font metrics.</summary>
    public static double TextWidth(string text, double fontSize = FontSize) => 0.6 * fontSize * text.Length;

    public void Line(double x1, double y1, double x2, double y2, string stroke, double strokeWidth = 1, string? dash = null)
    {
        _svg.Append("<line x1=\"").Append(Number(x1)).Append("\" y1=\"").Append(Number(y1))
            .Append("\" x2=\"").Append(Number(x2)).Append("\" y2=\"").Append(Number(y2))
            .Append("\" stroke=\"").Append(stroke).Append("\" stroke-width=\"").Append(Number(strokeWidth)).Append('"');
        AppendDash(dash);
        _svg.Append("/>");
    }

    public void Rect(double x, double y, double width, double height, string fill, string? tooltip = null, string? stroke = null)
    {
        _svg.Append("<rect x=\"").Append(Number(x)).Append("\" y=\"").Append(Number(y))
            .Append("\" width=\"").Append(Number(Math.Max(width, 0))).Append("\" height=\"").Append(Number(Math.Max(height, 0)))
            .Append("\" fill=\"").Append(fill).Append('"');
        if (stroke is not null)
        {
            _svg.Append(" stroke=\"").Append(stroke).Append('"');
        }

        CloseWithTooltip("rect", tooltip);
    }

    public void Circle(double cx, double cy, double r, string fill, string? tooltip = null)
    {
        _svg.Append("<circle cx=\"").Append(Number(cx)).Append("\" cy=\"").Append(Number(cy))
            .Append("\" r=\"").Append(Number(r)).Append("\" fill=\"").Append(fill).Append('"');
        CloseWithTooltip("circle", tooltip);
    }

    public void Polyline(IEnumerable<(double X, double Y)> points, string stroke, double strokeWidth, string? dash = null)
    {
        _svg.Append("<polyline fill=\"none\" stroke=\"").Append(stroke)
            .Append("\" stroke-width=\"").Append(Number(strokeWidth)).Append("\" stroke-linejoin=\"round\"");
        AppendDash(dash);
        _svg.Append(" points=\"");
        bool first = true;
        foreach ((double x, double y) in points)
        {
            if (!first)
            {
                _svg.Append(' ');
            }

            _svg.Append(Number(x)).Append(',').Append(Number(y));
            first = false;
        }

        _svg.Append("\"/>");
    }

    /// <summary>Text anchored (start, middle or end) at (x, y), optionally rotated by degrees about that point.</summary>
    public void Text(
        double x, double y, string text, string anchor = "start", double size = FontSize, string fill = "#222222",
        bool bold = false, double? rotate = null)
    {
        _svg.Append("<text x=\"").Append(Number(x)).Append("\" y=\"").Append(Number(y))
            .Append("\" text-anchor=\"").Append(anchor).Append("\" fill=\"").Append(fill).Append('"');
        if (size != FontSize)
        {
            _svg.Append(" font-size=\"").Append(Number(size)).Append('"');
        }

        if (bold)
        {
            _svg.Append(" font-weight=\"bold\"");
        }

        if (rotate is { } degrees)
        {
            _svg.Append(" transform=\"rotate(").Append(Number(degrees)).Append(' ').Append(Number(x)).Append(' ')
                .Append(Number(y)).Append(")\"");
        }

        _svg.Append('>').Append(Escape(text)).Append("</text>");
    }

    public string Build() => _svg.ToString() + "</svg>";

    /// <summary>
    /// Escapes XML markup characters and replaces characters XML 1.0 cannot carry at all (control characters,
    /// lone surrogates) with U+FFFD, so any class or series name yields a well-formed document.
    /// </summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '"': escaped.Append("&quot;"); break;
                case '\'': escaped.Append("&apos;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        escaped.Append(c).Append(text[++i]);
                    }
                    else if (c is '\t' or '\n' or '\r' || (c >= 0x20 && !char.IsSurrogate(c) && c != '\uFFFE' && c != '\uFFFF'))
                    {
                        escaped.Append(c);
                    }
                    else
                    {
                        escaped.Append('\uFFFD');
                    }

                    break;
            }
        }

        return escaped.ToString();
    }

    /// <summary>A coordinate or size, rounded to 0.01 px; a non-finite value is a layout bug, never written out.</summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new InvalidOperationException($"Chart layout produced a non-finite coordinate ({value}).");
        }

        double rounded = Math.Round(value, 2);
        return (rounded == 0 ? 0 : rounded).ToString("0.##", CultureInfo.InvariantCulture);
    }

    private void AppendDash(string? dash)
    {
        if (dash is not null)
        {
            _svg.Append(" stroke-dasharray=\"").Append(dash).Append('"');
        }
    }

    private void CloseWithTooltip(string element, string? tooltip)
    {
        if (tooltip is null)
        {
            _svg.Append("/>");
        }
        else
        {
            _svg.Append("><title>").Append(Escape(tooltip)).Append("</title></").Append(element).Append('>');
        }
    }
}

using System.Globalization;

namespace TransferFunctions.Pipeline.Reports.Svg;

/// <summary>Maps data values to pixels along one axis and chooses its labelled ticks.</summary>
internal sealed class AxisScale
{
    private readonly Func<double, double> _toUnit;

    private AxisScale(double domainMin, double domainMax, double pixelStart, double pixelEnd,
        Func<double, double> toUnit, IReadOnlyList<(double Value, string Label)> ticks)
    {
        DomainMin = domainMin;
        DomainMax = domainMax;
        PixelStart = pixelStart;
        PixelEnd = pixelEnd;
        _toUnit = toUnit;
        Ticks = ticks;
    }

    public double DomainMin { get; }

    public double DomainMax { get; }

    public double PixelStart { get; }

    public double PixelEnd { get; }

    public IReadOnlyList<(double Value, string Label)> Ticks { get; }

    public double Map(double value) => PixelStart + _toUnit(value) * (PixelEnd - PixelStart);

    /// <summary>
    /// Linear axis over [min, max] widened to whole multiples of a 1-2-5 step giving about
    /// <paramref name="targetTicks"/> ticks; an empty range is widened around its value so nothing divides by 0.
    /// </summary>
    public static AxisScale Linear(double min, double max, double pixelStart, double pixelEnd, int targetTicks = 6)
    {
        if (max - min <= Math.Abs(max) * 1e-12)
        {
            double pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            min -= pad;
            max += pad;
        }

        double step = NiceStep((max - min) / Math.Max(targetTicks - 1, 1));
        double lo = Math.Floor(min / step + 1e-9) * step;
        double hi = Math.Ceiling(max / step - 1e-9) * step;
        var ticks = new List<(double, string)>();
        int count = (int)Math.Round((hi - lo) / step);
        for (int i = 0; i <= count; i++)
        {
            double value = lo + i * step;
            if (Math.Abs(value) < step * 1e-9)
            {
                value = 0;
            }

            ticks.Add((value, FormatTick(value, step)));
        }

        return new AxisScale(lo, hi, pixelStart, pixelEnd, v => (v - lo) / (hi - lo), ticks);
    }

    /// <summary>
    /// Base-10 log axis from the decade at or below <paramref name="min"/> to the decade at or above
    /// <paramref name="max"/>, with a tick per decade (every second, fifth… decade when there are many).
    /// </summary>
    public static AxisScale Log10(double min, double max, double pixelStart, double pixelEnd)
    {
        int first = (int)Math.Floor(Math.Log10(min) + 1e-9);
        int last = (int)Math.Ceiling(Math.Log10(max) - 1e-9);
        if (last <= first)
        {
            last = first + 1;
        }

        int decades = last - first;
        int every = decades <= 8 ? 1 : decades <= 16 ? 2 : decades <= 40 ? 5 : (int)Math.Ceiling(decades / 8.0);
        var ticks = new List<(double, string)>();
        for (int e = first; e <= last; e++)
        {
            if ((e - first) % every == 0)
            {
                double value = Math.Pow(10, e);
                ticks.Add((value, FormatTick(value, value)));
            }
        }

        return new AxisScale(Math.Pow(10, first), Math.Pow(10, last), pixelStart, pixelEnd,
            v => (Math.Log10(v) - first) / decades, ticks);
    }

    /// <summary>The 1, 2, 2.5 or 5 × 10^k at or above <paramref name="rough"/>.</summary>
    internal static double NiceStep(double rough)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double fraction = rough / magnitude;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    /// <summary>Shortest plain label that distinguishes ticks <paramref name="step"/> apart; scientific for extremes.</summary>
    internal static string FormatTick(double value, double step)
    {
        if (value == 0)
        {
            return "0";
        }

        double magnitude = Math.Abs(value);
        if (magnitude >= 1e6 || magnitude < 1e-4)
        {
            return value.ToString("0.##E+0", CultureInfo.InvariantCulture);
        }

        int decimals = 0;
        double scaled = step;
        while (decimals < 6 && Math.Abs(scaled - Math.Round(scaled)) > 1e-6 * scaled)
        {
            decimals++;
            scaled *= 10;
        }

        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}

namespace TransferFunctions.Pipeline.Reports.Svg;

/// <summary>Colors shared by the charts, so a report reads consistently.</summary>
internal static class Palette
{
    /// <summary>Ten well-separated series colors (the common "category10" set); past ten, dashes tell series apart.</summary>
    private static readonly string[] Series =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ];

    private static readonly string?[] Dashes = [null, "6 3", "2 2", "8 3 2 3"];

    public const string Positive = "#2ca02c";
    public const string Negative = "#d62728";
    public const string Axis = "#444444";
    public const string Grid = "#e5e5e5";
    public const string Muted = "#555555";

    public static string SeriesColor(int index) => Series[index % Series.Length];

    public static string? SeriesDash(int index) => Dashes[index / Series.Length % Dashes.Length];

    /// <summary>White to dark blue as <paramref name="fraction"/> goes from 0 to 1.</summary>
    public static string Heat(double fraction)
    {
        double f = double.IsFinite(fraction) ? Math.Clamp(fraction, 0, 1) : 0;
        int r = (int)Math.Round(247 + (8 - 247) * f);
        int g = (int)Math.Round(251 + (48 - 251) * f);
        int b = (int)Math.Round(255 + (107 - 255) * f);
        return $"#{r:x2}{g:x2}{b:x2}";
    }
}

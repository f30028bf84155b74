namespace TransferFunctions.Pipeline.Reports.Svg;

/// <summary>One labelled bar of a <see cref="BarChart"/>.</summary>
public sealed record BarValue(string Label, double Value);

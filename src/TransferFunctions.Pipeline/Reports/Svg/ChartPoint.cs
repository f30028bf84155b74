namespace TransferFunctions.Pipeline.Reports.Svg;

/// <summary>One (x, y) point of a line chart series.</summary>
public readonly record struct ChartPoint(double X, double Y);

namespace TransferFunctions.Pipeline.Promotion;

/// <summary>A 95% (or other level) interval around an estimate.</summary>
public sealed record BootstrapIntervalSummary(double Estimate, double Lower, double Upper, double Level);

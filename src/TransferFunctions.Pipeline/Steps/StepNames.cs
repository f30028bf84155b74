namespace TransferFunctions.Pipeline.Steps;

/// <summary>Names of the AdaptModel steps, as the orchestrator calls them and `transfer step` runs them.</summary>
public static class StepNames
{
    public const string Validate = "validate";
    public const string ExtractFeatures = "extract-features";
    public const string Adapt = "adapt";
    public const string TrainScratch = "train-scratch";
    public const string ProbeBaseline = "probe-baseline";
    public const string Evaluate = "evaluate";
    public const string Promote = "promote";
    public const string Report = "report";

    public static IReadOnlyList<string> All { get; } = new[] { Validate, ExtractFeatures, Adapt, TrainScratch, ProbeBaseline, Evaluate, Promote, Report };
}

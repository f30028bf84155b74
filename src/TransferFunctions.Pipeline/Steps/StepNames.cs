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

    /// <summary>
    /// The steps that compute with the engine (each takes every core for seconds or minutes): one at a time per process
    /// (<see cref="PipelineSteps"/>), and the ones <c>transfer serve</c> moves into child processes at a lower priority.
    /// The others (validate, promote, report) only move data.
    /// </summary>
    public static IReadOnlyList<string> Compute { get; } = new[] { ExtractFeatures, Adapt, TrainScratch, ProbeBaseline, Evaluate };
}

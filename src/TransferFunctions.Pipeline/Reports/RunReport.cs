using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;

namespace TransferFunctions.Pipeline.Reports;

/// <summary>report.json: the whole story of a run in one document — request, data, features, models, evidence, decision, timings.</summary>
public sealed record RunReport(
    string RunId,
    RunInput Request,
    string Outcome,
    IReadOnlyList<string> Reasons,
    ValidatedDataset Data,
    FeatureReport? Features,
    TrainedModel? Candidate,
    TrainedModel? Scratch,
    EvaluationReport? Evaluation,
    Promotion.PromotionDecision? Decision,
    PromotionOutcome? Promotion,
    IReadOnlyList<StepTiming> Steps,
    DateTimeOffset GeneratedAt);

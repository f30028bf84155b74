namespace TransferFunctions.Pipeline.Steps;

/// <summary>Input of the report step.</summary>
public sealed record ReportRequest(string RunId, RunInput Run, ValidatedDataset Data, FeatureReport? Features, TrainedModel? Candidate, TrainedModel? Scratch, EvaluationReport? Evaluation, Promotion.PromotionDecision? Decision, PromotionOutcome? Promotion, string Outcome, IReadOnlyList<string> Reasons);

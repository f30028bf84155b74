namespace TransferFunctions.Pipeline.Steps;

/// <summary>Input of the validate step.</summary>
public sealed record ValidateRequest(string RunId, RunInput Run);

/// <summary>Input of the extract-features step.</summary>
public sealed record ExtractRequest(string RunId, RunInput Run, ValidatedDataset Data);

/// <summary>Input of the adapt and train-scratch steps.</summary>
public sealed record TrainRequest(string RunId, RunInput Run, ValidatedDataset Data, FeatureReport Features, string Strategy, string Role);

/// <summary>Input of the evaluate step (the champion is looked up when the step runs).</summary>
public sealed record EvaluateRequest(string RunId, RunInput Run, ValidatedDataset Data, TrainedModel Candidate, TrainedModel Scratch);

/// <summary>Input of the promote step: register the candidate and move the champion if it is still <see cref="ExpectedChampion"/>.</summary>
public sealed record PromoteRequest(string RunId, RunInput Run, ValidatedDataset Data, TrainedModel Candidate, EvaluationResult Evaluation, Promotion.PromotionDecision Decision, int? ExpectedChampion);

/// <summary>Input of the report step.</summary>
public sealed record ReportRequest(string RunId, RunInput Run, ValidatedDataset Data, FeatureReport? Features, TrainedModel? Candidate, TrainedModel? Scratch, EvaluationResult? Evaluation, Promotion.PromotionDecision? Decision, PromotionOutcome? Promotion, string Outcome, IReadOnlyList<string> Reasons);

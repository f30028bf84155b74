namespace TransferFunctions.Pipeline.Steps;

/// <summary>Input of the promote step: register the candidate and move the champion if it is still <see cref="ExpectedChampion"/>.</summary>
public sealed record PromoteRequest(string RunId, RunInput Run, ValidatedDataset Data, TrainedModel Candidate, EvaluationReport Evaluation, Promotion.PromotionDecision Decision, int? ExpectedChampion);

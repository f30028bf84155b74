namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// Input of the promote step: register the candidate and move the champion if it is still <see cref="ExpectedChampion"/>.
/// Carries the candidate's test score, not the whole evaluation (that is the evaluate step's output, by key).
/// </summary>
public sealed record PromoteRequest(string RunId, RunInput Run, ValidatedDataset Data, TrainedModel Candidate, TestScore Score, Promotion.PromotionDecision Decision, int? ExpectedChampion) : IStepRequest;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// Input of the report step: the outcome and the decision the orchestrator reached. Everything else (data, features,
/// models, evaluation, promotion) the step reads from the other steps' outputs (<see cref="StepOutputs"/>).
/// </summary>
public sealed record ReportRequest(string RunId, RunInput Run, string Outcome, IReadOnlyList<string> Reasons, Promotion.PromotionDecision? Decision) : IStepRequest;

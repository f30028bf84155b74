using TransferFunctions.Pipeline.Promotion;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>The AdaptModel orchestrator's output: the decision, the resulting version and champion, and the report.</summary>
public sealed record AdaptationResult(
    string Project,
    string Outcome,
    PromotionDecision? Decision,
    int? Version,
    int? Champion,
    double? CandidateAccuracy,
    double? ChampionAccuracy,
    string? Report,
    IReadOnlyList<string> Reasons);

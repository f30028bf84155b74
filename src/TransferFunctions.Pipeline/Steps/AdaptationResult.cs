using TransferFunctions.Pipeline.Promotion;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// The AdaptModel orchestrator's output: the decision, the resulting version and champion, and the report.
/// <see cref="DataIssues"/>: the validate step's errors (code, file, detail) when the data stopped the run, its warnings otherwise.
/// </summary>
public sealed record AdaptationResult(
    string Project,
    string Outcome,
    PromotionDecision? Decision,
    int? Version,
    int? Champion,
    double? CandidateAccuracy,
    double? ChampionAccuracy,
    string? Report,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<DataIssue>? DataIssues = null);

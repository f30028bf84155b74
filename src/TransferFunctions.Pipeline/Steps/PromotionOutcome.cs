namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// The promote step's result. <see cref="ChampionMoved"/> means another run moved the champion since
/// evaluation; the orchestrator then evaluates again against <see cref="CurrentChampion"/>.
/// </summary>
public sealed record PromotionOutcome(bool Registered, int? Version, bool Promoted, bool ChampionMoved, int? CurrentChampion);

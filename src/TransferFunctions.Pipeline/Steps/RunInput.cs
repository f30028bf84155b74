using TransferFunctions.Pipeline.Promotion;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// The AdaptModel orchestrator's input: the request, resolved (policy filled in, base model named). With
/// <see cref="CandidateBases"/>, the validate step ranks those bases by LogME and the run adapts the first
/// (<see cref="BaseModel"/> stands in until then).
/// </summary>
public sealed record RunInput(string Project, string? Batch, string Strategy, string BaseModel, PromotionPolicy Policy, string? RequestedBy, int Seed = 0, int? Steps = null, string? Device = null,
    IReadOnlyList<string>? CandidateBases = null);

using TransferFunctions.Pipeline.Promotion;

namespace TransferFunctions.Pipeline.Service;

/// <summary>
/// A project's defaults, at <c>projects/{project}/settings.json</c>: what a run uses when its request
/// (e.g. from the data-arrival trigger) does not say. Every field is optional. <paramref name="CandidateBases"/>: base
/// models an <c>auto</c> run chooses from, by LogME on the project's training data (when the request names no base).
/// </summary>
public sealed record ProjectSettings(string? Strategy = null, int? Steps = null, string? BaseModel = null, PromotionPolicy? Policy = null, string? Device = null,
    IReadOnlyList<string>? CandidateBases = null)
{
    public static string KeyOf(string project) => $"projects/{project}/settings.json";
}

using TransferFunctions.Pipeline.Promotion;

namespace TransferFunctions.Pipeline.Service;

/// <summary>
/// A project's defaults, at <c>projects/{project}/settings.json</c>: what a run uses when its request
/// (e.g. from the data-arrival trigger) does not say. Every field is optional.
/// </summary>
public sealed record ProjectSettings(string? Strategy = null, int? Steps = null, string? BaseModel = null, PromotionPolicy? Policy = null, string? Device = null)
{
    public static string KeyOf(string project) => $"projects/{project}/settings.json";
}

namespace TransferFunctions.Pipeline.Registry;

/// <summary>
/// Marks a version number as taken (<c>models/{name}/v{n}/claim.json</c>, created only if absent),
/// so concurrent registrations get distinct numbers. A claim without a model.json is an abandoned
/// or in-progress registration: invisible, and its number is never reused.
/// </summary>
public sealed record VersionClaim(string? RunId, DateTimeOffset ClaimedAt);

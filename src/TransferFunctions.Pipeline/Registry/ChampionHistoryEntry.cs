namespace TransferFunctions.Pipeline.Registry;

/// <summary>A former champion: which version, since when, why it was promoted, and when it was replaced.</summary>
public sealed record ChampionHistoryEntry(int Version, DateTimeOffset PromotedAt, string Reason, DateTimeOffset ReplacedAt);

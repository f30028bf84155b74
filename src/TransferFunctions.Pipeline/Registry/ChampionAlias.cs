namespace TransferFunctions.Pipeline.Registry;

/// <summary>
/// The <c>champion</c> pointer of a model (<c>models/{name}/aliases/champion.json</c>), moved only
/// by compare-and-swap. <see cref="History"/> holds former champions, most recent last; a rollback
/// pops it.
/// </summary>
public sealed record ChampionAlias(string ModelName, int Version, DateTimeOffset UpdatedAt, string Reason, IReadOnlyList<ChampionHistoryEntry> History);

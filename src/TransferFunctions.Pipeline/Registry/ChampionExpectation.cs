namespace TransferFunctions.Pipeline.Registry;

/// <summary>What a mover believes the champion is; the move happens only if that is still true.</summary>
public sealed record ChampionExpectation
{
    private ChampionExpectation(ChampionExpectationKind kind, string? etag, int? version)
    {
        Kind = kind;
        ETag = etag;
        Version = version;
    }

    /// <summary>There is no champion yet (first promotion).</summary>
    public static ChampionExpectation NoChampion { get; } = new(ChampionExpectationKind.NoChampion, null, null);

    public ChampionExpectationKind Kind { get; }

    public string? ETag { get; }

    public int? Version { get; }

    /// <summary>The alias is exactly as read (its ETag): the strictest check.</summary>
    public static ChampionExpectation WithETag(string etag)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(etag);
        return new ChampionExpectation(ChampionExpectationKind.ETag, etag, null);
    }

    /// <summary>The champion is this version (e.g. the one the candidate was evaluated against).</summary>
    public static ChampionExpectation AtVersion(int version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        return new ChampionExpectation(ChampionExpectationKind.Version, null, version);
    }

    public override string ToString() => Kind switch
    {
        ChampionExpectationKind.NoChampion => "no champion",
        ChampionExpectationKind.ETag => $"champion with ETag {ETag}",
        _ => $"champion v{Version}",
    };
}

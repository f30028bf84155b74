namespace TransferFunctions.Pipeline.Registry;

/// <summary>How a champion move states what it believes the current champion is.</summary>
public enum ChampionExpectationKind
{
    NoChampion,
    ETag,
    Version,
}

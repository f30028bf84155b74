namespace TransferFunctions.Functions.Projects;

/// <summary>The answer to a claim: whether the run must wait, and for which run (the one just before it).</summary>
public sealed record ProjectTurnClaim(bool MustWait, string? Predecessor);

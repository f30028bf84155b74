namespace TransferFunctions.Pipeline.Api;

/// <summary>Optional body of <c>POST /api/models/{name}/rollback</c>: the version to return to (default: the previous champion) and why.</summary>
public sealed record RollbackBody(int? Version = null, string? Reason = null);

namespace TransferFunctions.Cli.Serve;

/// <summary>Optional body of <c>POST /api/adaptations/{id}/approve</c>.</summary>
public sealed record ApprovalBody(string? By = null);

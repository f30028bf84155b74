namespace TransferFunctions.Pipeline.Api;

/// <summary>Optional body of <c>POST /api/adaptations/{id}/approve</c>.</summary>
public sealed record ApprovalBody(string? By = null);

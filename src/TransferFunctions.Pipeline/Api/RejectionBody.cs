namespace TransferFunctions.Pipeline.Api;

/// <summary>Optional body of <c>POST /api/adaptations/{id}/reject</c>.</summary>
public sealed record RejectionBody(string? By = null, string? Reason = null);

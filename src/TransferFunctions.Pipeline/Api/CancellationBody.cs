namespace TransferFunctions.Pipeline.Api;

/// <summary>Optional body of <c>POST /api/adaptations/{id}/cancel</c>.</summary>
public sealed record CancellationBody(string? Reason = null);

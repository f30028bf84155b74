namespace TransferFunctions.Functions.Http;

/// <summary>The optional body of the route, as <c>transfer serve</c> takes it.</summary>
public sealed record RejectionBody(string? By = null, string? Reason = null);

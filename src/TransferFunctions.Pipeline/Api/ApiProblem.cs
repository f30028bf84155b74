namespace TransferFunctions.Pipeline.Api;

/// <summary>
/// A problem-details body (RFC 9457) as both hosts send it: status, a short title, a specific detail, the request path,
/// and for server faults the correlation id that is also in the log entry of the fault.
/// </summary>
public sealed record ApiProblem(string Type, string Title, int Status, string Detail, string? Instance, string? CorrelationId = null);

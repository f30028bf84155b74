namespace TransferFunctions.Pipeline.Api;

/// <summary>
/// A problem-details body (RFC 9457) as both hosts send it: status, a short title, a specific detail, the request path,
/// and for server faults the correlation id that is also in the log entry of the fault. The instance is the request's
/// path as sent (percent-encoded: a URI reference).
/// </summary>
public sealed record ApiProblem(string Type, string Title, int Status, string Detail, string? Instance, string? CorrelationId = null)
{
    /// <summary>The <c>Content-Type</c> both hosts send a problem with.</summary>
    public const string ContentType = "application/problem+json; charset=utf-8";
}

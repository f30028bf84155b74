namespace TransferFunctions.Pipeline.Api;

/// <summary>Optional body of <c>POST /api/projects/{project}/batches/{batch}/exclude</c>.</summary>
public sealed record ExclusionBody(string? By = null, string? Reason = null);

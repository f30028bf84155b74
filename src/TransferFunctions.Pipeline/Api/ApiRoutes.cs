namespace TransferFunctions.Pipeline.Api;

/// <summary>The routes both hosts serve (DESIGN: one API, two hosts).</summary>
public static class ApiRoutes
{
    public const string Adaptations = "/api/adaptations";
    public const string Models = "/api/models";
    public const string Projects = "/api/projects";
    public const string Health = "/health";

    /// <summary>A client-chosen run id; submitting twice with the same key creates one run.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    public static string Run(string id) => $"{Adaptations}/{id}";
}

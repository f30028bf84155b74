using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Http;

/// <summary>
/// <c>GET /api/runs/{id}/{file}</c>: a run's report files, read-only, straight from the store (the local host serves
/// the same files at <c>/runs/{id}/</c>; the Functions route prefix puts them under <c>/api</c>).
/// </summary>
public sealed class ReportHttpFunctions(IObjectStore store, ILogger<ReportHttpFunctions> logger)
{
    /// <summary>The report pages' policy (<see cref="ReportFiles.ContentSecurityPolicy"/>).</summary>
    public const string ReportContentSecurityPolicy = ReportFiles.ContentSecurityPolicy;

    [Function("Runs_Report")]
    public Task<HttpResponseData> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{id}/{*file}")] HttpRequestData request, string id, string? file,
        CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, async () =>
        {
            var (key, contentType) = ReportFiles.Resolve(id, file);
            var stored = await store.ReadAsync(key, cancellationToken)
                ?? throw ReportFiles.Missing(id, file!, key);
            var response = request.CreateResponse(HttpStatusCode.OK);
            response.Headers.Add("Content-Type", contentType);
            response.Headers.Add("X-Content-Type-Options", "nosniff");
            response.Headers.Add("Content-Security-Policy", ReportContentSecurityPolicy);
            response.Headers.Add("Cache-Control", "no-cache");
            response.Headers.Add("ETag", "\"" + stored.ETag + "\"");
            await response.Body.WriteAsync(stored.Content, cancellationToken);
            return response;
        }, cancellationToken);
}

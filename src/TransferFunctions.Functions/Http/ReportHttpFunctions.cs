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
            // A dashboard polling a report it has asks with If-None-Match: answer from the object's properties, no body read.
            if (request.Headers.TryGetValues("If-None-Match", out var conditions)
                && await store.GetPropertiesAsync(key, cancellationToken) is { } current
                && ReportFiles.IsNotModified(string.Join(',', conditions), ReportFiles.EntityTag(current.ETag)))
            {
                return Answer(request, HttpStatusCode.NotModified, current, contentType: null);
            }

            var stored = await store.ReadAsync(key, cancellationToken)
                ?? throw ReportFiles.Missing(id, file!, key);
            var response = Answer(request, HttpStatusCode.OK, stored.Properties, contentType);
            await response.Body.WriteAsync(stored.Content, cancellationToken);
            return response;
        }, cancellationToken);

    /// <summary>The headers a report answer carries, a 304 as much as a 200 (RFC 9110 15.4.5: the validators and cache policy).</summary>
    private static HttpResponseData Answer(HttpRequestData request, HttpStatusCode status, ObjectProperties properties, string? contentType)
    {
        var response = request.CreateResponse(status);
        if (contentType is not null) response.Headers.Add("Content-Type", contentType);
        response.Headers.Add("X-Content-Type-Options", "nosniff");
        response.Headers.Add("Content-Security-Policy", ReportContentSecurityPolicy);
        response.Headers.Add("Cache-Control", "no-cache");
        response.Headers.Add("ETag", ReportFiles.EntityTag(properties.ETag));
        response.Headers.Add("Last-Modified", properties.LastModified.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        return response;
    }
}

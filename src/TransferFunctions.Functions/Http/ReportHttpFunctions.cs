using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Http;

/// <summary>
/// <c>GET /api/runs/{id}/{file}</c>: a run's report files, read-only, straight from the store (the local host serves
/// the same files at <c>/runs/{id}/</c>; the Functions route prefix puts them under <c>/api</c>).
/// </summary>
public sealed class ReportHttpFunctions(IObjectStore store, ILogger<ReportHttpFunctions> logger)
{
    /// <summary>Reports are self-contained pages: nothing loads from elsewhere, and the sandbox gives them an opaque origin.</summary>
    public const string ReportContentSecurityPolicy =
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; sandbox allow-scripts allow-popups";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".json"] = "application/json; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".csv"] = "text/csv; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
    };

    [Function("Runs_Report")]
    public Task<HttpResponseData> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{id}/{*file}")] HttpRequestData request, string id, string? file,
        CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, async () =>
        {
            try
            {
                RunKeys.ValidateInstanceId(id);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidRequestException(ex.Message, ex);
            }

            var key = RunKeys.Folder(id) + file;
            string? problem = null;
            if (string.IsNullOrEmpty(file) || !ObjectKey.IsValid(key, out problem))
                throw new InvalidRequestException($"'{file}' is not a file of run '{id}': {problem ?? "no file named"}.");
            if (!ContentTypes.TryGetValue(Path.GetExtension(file), out var contentType))
                throw new NotFoundException($"Only report files ({string.Join(", ", ContentTypes.Keys)}) are served under /runs/{id}/; '{file}' is not one.");

            var stored = await store.ReadAsync(key, cancellationToken)
                ?? throw new NotFoundException($"Run '{id}' has no file '{file}' (no {key} in the store).");
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

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Serve;

/// <summary>
/// <c>GET /runs/{id}/{file}</c>: a run's report files, read-only, straight from the store
/// (<c>runs/{id}/report.html</c>, <c>report.json</c>, and the charts or tables beside them).
/// </summary>
public static class ReportEndpoints
{
    /// <summary>
    /// Reports are self-contained pages: nothing may load from elsewhere, and the sandbox gives them
    /// an opaque origin so a script inside cannot call the API with the dashboard cookie.
    /// </summary>
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

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/runs/{id}/{**file}", ServeAsync);

    private static async Task<IResult> ServeAsync(string id, string? file, IObjectStore store, HttpContext http, CancellationToken ct)
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
        {
            throw new InvalidRequestException($"'{file}' is not a file of run '{id}': {problem ?? "no file named"}.");
        }

        if (!ContentTypes.TryGetValue(Path.GetExtension(file), out var contentType))
        {
            throw new NotFoundException($"Only report files ({string.Join(", ", ContentTypes.Keys)}) are served under /runs/{id}/; '{file}' is not one.");
        }

        var download = await store.OpenReadAsync(key, ct)
            ?? throw new NotFoundException($"Run '{id}' has no file '{file}' (no {key} in the store).");
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = ReportContentSecurityPolicy;
        http.Response.Headers.CacheControl = "no-cache";
        return Results.Stream(
            download.Content,
            contentType,
            lastModified: download.Properties.LastModified,
            entityTag: new EntityTagHeaderValue("\"" + download.Properties.ETag + "\""));
    }
}

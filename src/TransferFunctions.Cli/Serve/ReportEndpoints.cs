using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Serve;

/// <summary>
/// <c>GET /runs/{id}/{file}</c>: a run's report files, read-only, straight from the store
/// (<c>runs/{id}/report.html</c>, <c>report.json</c>, and the charts or tables beside them).
/// </summary>
public static class ReportEndpoints
{
    /// <summary>The report pages' policy (<see cref="ReportFiles.ContentSecurityPolicy"/>).</summary>
    public const string ReportContentSecurityPolicy = ReportFiles.ContentSecurityPolicy;

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/runs/{id}/{**file}", ServeAsync);

    private static async Task<IResult> ServeAsync(string id, string? file, IObjectStore store, HttpContext http, CancellationToken ct)
    {
        var (key, contentType) = ReportFiles.Resolve(id, file);
        var download = await store.OpenReadAsync(key, ct)
            ?? throw ReportFiles.Missing(id, file!, key);
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = ReportContentSecurityPolicy;
        http.Response.Headers.CacheControl = "no-cache";
        return Results.Stream(
            download.Content,
            contentType,
            lastModified: download.Properties.LastModified,
            entityTag: new EntityTagHeaderValue(ReportFiles.EntityTag(download.Properties.ETag)));
    }
}

using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TransferFunctions.Cli.Serve;

/// <summary><c>GET /</c>: the dashboard page, under a strict content security policy.</summary>
public static class DashboardEndpoints
{
    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/", Serve);

    private static IResult Serve(HttpContext http)
    {
        // A fresh nonce per response: only the page's own inline style and script may run.
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy =
            $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers.Append("Referrer-Policy", "no-referrer");
        return Results.Content(DashboardPage.Html.Replace(DashboardPage.NoncePlaceholder, nonce, StringComparison.Ordinal), "text/html; charset=utf-8");
    }
}

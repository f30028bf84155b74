using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace TransferFunctions.Cli.Serve;

/// <summary>
/// Every request but <c>GET /health</c> must carry the API key: as <c>X-Api-Key</c>, as
/// <c>Authorization: Bearer</c>, or (reads only) as the dashboard cookie.
/// </summary>
/// <remarks>
/// <para>The dashboard is opened once as <c>/?key=…</c>: a valid key there is moved into an
/// HttpOnly, SameSite=Strict cookie and the browser is redirected to <c>/</c>, so the key leaves the
/// address bar and history at once, page scripts never see it, and plain links (the reports) work.
/// The cookie is honoured for GET and HEAD only: state-changing calls need the header, so no other
/// site can make a browser act with it.</para>
/// <para>Keys are compared as SHA-256 digests with <see cref="CryptographicOperations.FixedTimeEquals"/>:
/// the time taken reveals neither the key's content nor its length.</para>
/// </remarks>
public sealed class ApiKeyAuthentication
{
    public const string HeaderName = "X-Api-Key";
    public const string CookieName = "tf_api_key";
    public const string DashboardKeyQuery = "key";
    public const string HealthPath = "/health";

    private readonly RequestDelegate _next;
    private readonly byte[] _expectedDigest;

    public ApiKeyAuthentication(RequestDelegate next, string apiKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        _next = next;
        _expectedDigest = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));
    }

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var isRead = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        if (isRead && request.Path.Equals(HealthPath, StringComparison.Ordinal))
        {
            return _next(context);
        }

        if (isRead && request.Path == "/" && request.Query.TryGetValue(DashboardKeyQuery, out var queryKey))
        {
            return OpenDashboardAsync(context, queryKey.ToString());
        }

        if (Matches(request.Headers[HeaderName].ToString())
            || Matches(BearerToken(request.Headers.Authorization.ToString()))
            || (isRead && Matches(request.Cookies[CookieName])))
        {
            return _next(context);
        }

        return RejectAsync(context);
    }

    private bool Matches(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), digest);
        return CryptographicOperations.FixedTimeEquals(digest, _expectedDigest);
    }

    private static string? BearerToken(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;

    private Task OpenDashboardAsync(HttpContext context, string key)
    {
        if (!Matches(key))
        {
            return RejectAsync(context);
        }

        context.Response.Cookies.Append(CookieName, key, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            IsEssential = true,
        });
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Append("Referrer-Policy", "no-referrer");
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = "/";
        return Task.CompletedTask;
    }

    private static Task RejectAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers.WWWAuthenticate = "Bearer realm=\"transfer serve\"";
        response.Headers.CacheControl = "no-store";
        if (context.Request.Path == "/")
        {
            response.ContentType = "text/html; charset=utf-8";
            return response.WriteAsync(DashboardPage.Unauthorized, context.RequestAborted);
        }

        var detail = context.Request.Headers.ContainsKey(HeaderName) || context.Request.Headers.ContainsKey("Authorization")
            ? "The API key is wrong. It is in the key file printed when 'transfer serve' started (by default {store}/.tfstore-keys/api-key)."
            : $"This route needs the API key: send it as '{HeaderName}: <key>' or 'Authorization: Bearer <key>'. It is in the key file printed when 'transfer serve' started (by default {{store}}/.tfstore-keys/api-key).";
        return Results.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", instance: context.Request.Path.ToUriComponent())
            .ExecuteAsync(context);
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TransferFunctions.Cli.Serve;

/// <summary>
/// Builds the <c>transfer serve</c> web host: Kestrel on the given URLs, API-key auth on every
/// route but <c>/health</c>, the routes DESIGN.md shares with the Functions app, the dashboard, and
/// the pipeline's background work (<see cref="PipelineHostedService"/>).
/// </summary>
public static class ServeHost
{
    /// <summary>Request bodies are small JSON documents; anything larger is refused (413).</summary>
    public const long MaxRequestBodyBytes = 1 << 20;

    public static WebApplication Build(ServeOptions options, ServeComponents components, string apiKey, Action<ILoggingBuilder>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(components);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "transfer", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // transfer serve prints its own start banner (addresses, store, key file).
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);

        builder.Services.AddSingleton(components);
        builder.Services.AddSingleton(components.Store);
        builder.Services.AddSingleton(components.Service);
        builder.Services.AddHostedService<PipelineHostedService>();

        var app = builder.Build();
        app.UseMiddleware<ApiErrors>();
        app.UseMiddleware<ApiKeyAuthentication>(apiKey);
        app.MapGet(ApiKeyAuthentication.HealthPath, () => Results.Json(new { status = "ok" }));
        DashboardEndpoints.Map(app);
        AdaptationEndpoints.Map(app);
        ModelEndpoints.Map(app);
        ReportEndpoints.Map(app);
        app.MapFallback("{*path}", (HttpContext http) => ApiErrors.Problem(StatusCodes.Status404NotFound, "Not found", $"No route matches {http.Request.Method} {http.Request.Path}.", http));
        return app;
    }

    /// <summary>The addresses Kestrel actually listens on (with real ports when port 0 was asked for); valid after start.</summary>
    public static IReadOnlyList<string> BoundAddresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];

    /// <summary>True when every URL binds a loopback address only.</summary>
    public static bool IsLoopbackOnly(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(url =>
        {
            var host = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
            host = host.Split('/')[0];
            host = host.StartsWith('[') ? host[1..host.IndexOf(']')] : host.Split(':')[0];
            return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
        });
}

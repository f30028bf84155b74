using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TransferFunctions.Cli.Hosting;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Hosting;

namespace TransferFunctions.Cli.Serve;

/// <summary>
/// Builds the <c>transfer serve</c> web host: Kestrel on the given URLs, API-key auth on every
/// route but <c>/health</c>, the routes DESIGN.md shares with the Functions app, the dashboard, and
/// the pipeline's background work (<see cref="LocalRunExecution"/>).
/// </summary>
public static class ServeHost
{
    /// <summary>Configuration key that lets <c>transfer serve</c> listen beyond loopback (<c>--allow-remote</c>).</summary>
    public const string AllowRemoteSetting = "Serve:AllowRemote";

    /// <summary>
    /// Kestrel's body limit: the core's (<see cref="ApiBodies.MaxBytes"/>), so a body is refused (413) by whichever
    /// notices first, Kestrel on a too large <c>Content-Length</c> or while reading, with the core's one message.
    /// </summary>
    public const long MaxRequestBodyBytes = ApiBodies.MaxBytes;

    /// <summary>
    /// Worker threads the thread pool starts without delay. Compute steps (training, evaluation, image decoding) each hold
    /// a pool thread for seconds; with the default (one per core) a burst of API requests then waits for the pool to grow
    /// by a thread or two a second (200 concurrent status requests took 2.3 s on 2 cores while a run trained).
    /// </summary>
    public const int MinWorkerThreads = 32;

    /// <summary>
    /// The host's builder: configuration (defaults, appsettings.json, TF_ environment, the command's options), logging,
    /// Kestrel, and the shared composition root with local run execution and telemetry. Tests add to its services.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(ServeOptions options, LogLevel minimumLogLevel = LogLevel.Information)
    {
        ArgumentNullException.ThrowIfNull(options);
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (workers < MinWorkerThreads) ThreadPool.SetMinThreads(MinWorkerThreads, completionPorts);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "transfer", ContentRootPath = AppContext.BaseDirectory });
        CliConfiguration.AddSources(builder.Configuration, options.Settings ?? new Dictionary<string, string?>());
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
            console.IncludeScopes = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.SetMinimumLevel(minimumLogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // A failed start is reported by the command in one line, not as the host's stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical);
        // transfer serve prints its own start banner (addresses, store, key file).
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Services.AddStepExecution(builder.Configuration, faultSeam: true);
        builder.Services.AddTransferFunctionsCore(builder.Configuration).AddLocalRunExecution();
        builder.Services.AddTransferFunctionsTelemetry(builder.Configuration);
        return builder;
    }

    /// <summary>The store folder the builder's configuration names (for the key file, before the host runs).</summary>
    public static string StoreRoot(WebApplicationBuilder builder) => Path.GetFullPath(builder.Configuration["Store:Root"] ?? ".store");

    /// <summary>Builds the app: error mapping, API-key auth on every route but <c>/health</c>, the shared routes, the dashboard.</summary>
    public static WebApplication Build(WebApplicationBuilder builder, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        var app = builder.Build();
        app.UseMiddleware<ApiErrors>();
        app.UseMiddleware<ApiKeyAuthentication>(apiKey);
        app.MapGet(ApiKeyAuthentication.HealthPath, async (HealthProbe probe, CancellationToken ct) =>
        {
            var health = await probe.CheckAsync(ct);
            return Results.Json(health, ApiBodies.ResponseOptions, statusCode: health.Status == "ok" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        DashboardEndpoints.Map(app);
        AdaptationEndpoints.Map(app);
        ModelEndpoints.Map(app);
        BatchEndpoints.Map(app);
        ReportEndpoints.Map(app);
        app.MapFallback("{*path}", (HttpContext http) => ApiErrors.Problem(StatusCodes.Status404NotFound, "Not found", $"No route matches {http.Request.Method} {http.Request.Path}.", http));
        return app;
    }

    /// <summary>The addresses Kestrel actually listens on (with real ports when port 0 was asked for); valid after start.</summary>
    public static IReadOnlyList<string> BoundAddresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];

    /// <summary>Every address the host will be asked to listen on: <see cref="ServeOptions.Urls"/> and any <c>Kestrel:Endpoints:*:Url</c> of the configuration.</summary>
    public static IReadOnlyList<string> RequestedAddresses(WebApplicationBuilder builder, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var configured = builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(endpoint => endpoint["Url"]).OfType<string>();
        return options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Concat(configured).ToArray();
    }

    /// <summary>Why serve does not start on <paramref name="url"/>, and how to allow it.</summary>
    public static string RemoteRefusal(string url) =>
        $"asked to listen on {url}, beyond loopback: the API would be reachable from the network, guarded only by its key over plain HTTP. " +
        $"Listen on 127.0.0.1 (the default), or pass --allow-remote (configuration {AllowRemoteSetting}=true) to mean it.";

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

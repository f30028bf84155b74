using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TransferFunctions.Cli.Hosting;
using TransferFunctions.Cli.Serve;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Commands;

/// <summary>
/// `transfer serve`: the local host. The HTTP API and dashboard on loopback, the data-arrival
/// trigger on the store's <c>datasets/</c>, and a scheduler executing runs, all from the shared composition root.
/// </summary>
public static class ServeCommand
{
    public const int UsageExitCode = 2;

    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "listen URLs, ';'-separated (loopback by default; port 0 picks a free port)", DefaultValueFactory = _ => ServeOptions.DefaultUrls };
        var store = CommonOptions.Store();
        var maxRuns = new Option<int?>("--max-concurrent-runs") { Description = "runs executing at once (runs of one project always go one at a time); Scheduler:MaxConcurrentRuns, default 2" };
        var keyFile = new Option<string?>("--api-key-file") { Description = "API key file (default: {store}/.tfstore-keys/api-key; created at first start, mode 600)" };
        var rescan = new Option<int?>("--rescan-seconds") { Description = "full scan of datasets/ for _READY markers at least this often; Trigger:RescanInterval, default 15" };
        var allowRemote = new Option<bool>("--allow-remote") { Description = $"listen beyond loopback (--urls or Kestrel:Endpoints naming another address); {ServeHost.AllowRemoteSetting}, default false" };
        var command = new Command("serve", "Serve the HTTP API and dashboard, start a run when a batch's _READY marker lands in datasets/{project}/{batch}/.")
        {
            urls, store, maxRuns, keyFile, rescan, allowRemote,
        };
        command.SetAction((parse, ct) =>
        {
            var settings = new Dictionary<string, string?>();
            if (parse.GetValue(store) is { } s) (settings["Store:Kind"], settings["Store:Root"]) = (StoreOptions.FileSystem, s);
            if (parse.GetValue(maxRuns) is { } m) settings["Scheduler:MaxConcurrentRuns"] = m.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (parse.GetValue(rescan) is { } r) settings["Trigger:RescanInterval"] = TimeSpan.FromSeconds(r).ToString("c", System.Globalization.CultureInfo.InvariantCulture);
            if (parse.GetValue(allowRemote)) settings[ServeHost.AllowRemoteSetting] = "true";
            return RunAsync(new ServeOptions(parse.GetValue(urls)!, parse.GetValue(keyFile), settings), System.Console.Out, ct);
        });
        return command;
    }

    /// <summary>Runs the host until <paramref name="cancellationToken"/> is cancelled (Ctrl+C); <paramref name="started"/> sees the running app.</summary>
    public static async Task<int> RunAsync(ServeOptions options, TextWriter output, CancellationToken cancellationToken, Action<WebApplication>? started = null,
        LogLevel minimumLogLevel = LogLevel.Information, Action<IServiceCollection>? configureServices = null, TextWriter? error = null)
    {
        error ??= System.Console.Error;
        var builder = ServeHost.CreateBuilder(options, minimumLogLevel);
        configureServices?.Invoke(builder.Services);
        var allowRemote = string.Equals(builder.Configuration[ServeHost.AllowRemoteSetting], "true", StringComparison.OrdinalIgnoreCase);
        if (!allowRemote && ServeHost.RequestedAddresses(builder, options).FirstOrDefault(url => !ServeHost.IsLoopbackOnly(url)) is { } remote)
        {
            await error.WriteLineAsync("error: " + ServeHost.RemoteRefusal(remote));
            return UsageExitCode;
        }

        var storeRoot = ServeHost.StoreRoot(builder);
        var keyFile = options.ResolvedApiKeyFile(storeRoot);
        string key;
        bool created;
        try
        {
            (key, created) = ApiKeyFile.LoadOrCreate(keyFile);
        }
        catch (InvalidDataException ex)
        {
            await error.WriteLineAsync("error: " + ex.Message);
            return UsageExitCode;
        }

        var steps = StepExecutionServices.Describe(builder.Configuration, ServeHost.DefaultStepIsolation);
        await using var app = ServeHost.Build(builder, key);
        var swept = app.Services.GetRequiredService<IObjectStore>() is FileSystemObjectStore files ? files.SweepOrphanedTemporaryFiles() : 0;
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ConfigurationErrors.Describe(ex) is { } problem)
        {
            await error.WriteLineAsync("error: " + problem);
            return UsageExitCode;
        }

        // What Kestrel bound is the truth (configuration can add endpoints no option names): refuse to go on beyond loopback unasked.
        if (!allowRemote && ServeHost.BoundAddresses(app).FirstOrDefault(url => !ServeHost.IsLoopbackOnly(url)) is { } bound)
        {
            await app.StopAsync(CancellationToken.None);
            await error.WriteLineAsync("error: " + ServeHost.RemoteRefusal(bound));
            return UsageExitCode;
        }

        var scheduler = app.Services.GetRequiredService<RunScheduler>();
        var address = ServeHost.BoundAddresses(app).FirstOrDefault() ?? options.Urls;
        await output.WriteLineAsync($"transfer serve: listening on {string.Join(", ", ServeHost.BoundAddresses(app))}");
        await output.WriteLineAsync($"  store:    {storeRoot} (drop batches into datasets/{{project}}/{{batch}}/, then write _READY)");
        await output.WriteLineAsync($"  runs:     at most {scheduler.MaxConcurrentRuns} at once, one per project at a time; runs awaiting approval are parked and hold no slot");
        await output.WriteLineAsync($"  steps:    {steps}");
        if (swept > 0)
        {
            await output.WriteLineAsync($"  swept:    {swept} temporary file(s) left by writers that died mid-write");
        }
        if (created)
        {
            await output.WriteLineAsync($"  API key:  {key}   (new; shown this once)");
        }

        await output.WriteLineAsync($"  key file: {keyFile} (readable by you only); send it as 'X-Api-Key: <key>' or 'Authorization: Bearer <key>'");
        await output.WriteLineAsync(created
            ? $"  dashboard: {address}/?key={Uri.EscapeDataString(key)}"
            : $"  dashboard: {address}/?key=$(cat {keyFile})");
        if (!ServeHost.BoundAddresses(app).All(ServeHost.IsLoopbackOnly))
        {
            await output.WriteLineAsync("  warning:  listening beyond loopback; the API key is the only protection and plain HTTP exposes it on the network.");
        }

        started?.Invoke(app);
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}

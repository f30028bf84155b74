using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TransferFunctions.Cli.Hosting;
using TransferFunctions.Cli.Serve;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Commands;

/// <summary>
/// `transfer serve`: the local host. The HTTP API and dashboard on loopback, the data-arrival
/// trigger on the store's <c>datasets/</c>, and a scheduler executing runs.
/// </summary>
public static class ServeCommand
{
    public const int UsageExitCode = 2;

    public static Command Create(ServePipelineFactory pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var urls = new Option<string>("--urls") { Description = "listen URLs, ';'-separated (loopback by default; port 0 picks a free port)", DefaultValueFactory = _ => ServeOptions.DefaultUrls };
        var store = new Option<string>("--store") { Description = $"filesystem store root (datasets/, models/, runs/); default ${LocalPipeline.StoreVariable} or .store", DefaultValueFactory = _ => LocalPipeline.DefaultStoreRoot };
        var maxRuns = new Option<int>("--max-concurrent-runs") { Description = "runs executing at once (runs of one project always go one at a time)", DefaultValueFactory = _ => 2 };
        var keyFile = new Option<string?>("--api-key-file") { Description = "API key file (default: {store}/.tfstore-keys/api-key; created at first start, mode 600)" };
        var rescan = new Option<int>("--rescan-seconds") { Description = "full scan of datasets/ for _READY markers at least this often", DefaultValueFactory = _ => 15 };
        var command = new Command("serve", "Serve the HTTP API and dashboard, start a run when a batch's _READY marker lands in datasets/{project}/{batch}/.")
        {
            urls, store, maxRuns, keyFile, rescan,
        };
        command.SetAction((parse, ct) => RunAsync(
            new ServeOptions(parse.GetValue(urls)!, parse.GetValue(store)!, parse.GetValue(maxRuns), parse.GetValue(keyFile), TimeSpan.FromSeconds(parse.GetValue(rescan))),
            pipeline,
            System.Console.Out,
            ct));
        return command;
    }

    /// <summary>Runs the host until <paramref name="cancellationToken"/> is cancelled (Ctrl+C); <paramref name="started"/> sees the running app.</summary>
    public static async Task<int> RunAsync(ServeOptions options, ServePipelineFactory pipeline, TextWriter output, CancellationToken cancellationToken, Action<WebApplication>? started = null, LogLevel minimumLogLevel = LogLevel.Information)
    {
        if (options.MaxConcurrentRuns < 1)
        {
            await System.Console.Error.WriteLineAsync($"error: --max-concurrent-runs must be at least 1 (got {options.MaxConcurrentRuns}).");
            return UsageExitCode;
        }

        if (options.RescanInterval is { } interval && interval <= TimeSpan.Zero)
        {
            await System.Console.Error.WriteLineAsync($"error: --rescan-seconds must be positive (got {interval.TotalSeconds}).");
            return UsageExitCode;
        }

        string key;
        bool created;
        try
        {
            (key, created) = ApiKeyFile.LoadOrCreate(options.ResolvedApiKeyFile);
        }
        catch (InvalidDataException ex)
        {
            await System.Console.Error.WriteLineAsync("error: " + ex.Message);
            return UsageExitCode;
        }

        using var loggers = LoggerFactory.Create(logging => logging.SetMinimumLevel(minimumLogLevel).AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        }));
        var store = new FileSystemObjectStore(options.StoreDirectory);
        var swept = store.SweepOrphanedTemporaryFiles();
        // The scheduler needs the pipeline's executor and the pipeline needs the scheduler: tie the knot through a field set once, before any run starts.
        Func<string, CancellationToken, Task>? executeRun = null;
        var scheduler = new RunScheduler((id, ct) => executeRun!(id, ct), new RunSchedulerOptions { MaxConcurrentRuns = options.MaxConcurrentRuns }, loggers.CreateLogger<RunScheduler>());
        var composed = pipeline(store, scheduler, loggers);
        executeRun = composed.ExecuteRun;
        using var trigger = new DataArrivalTrigger(
            store,
            composed.Service,
            new DataArrivalTriggerOptions { RescanInterval = options.RescanInterval ?? new DataArrivalTriggerOptions().RescanInterval },
            loggers.CreateLogger<DataArrivalTrigger>());
        await using var app = ServeHost.Build(options, new ServeComponents(store, composed.Service, scheduler, trigger), key);
        await app.StartAsync(cancellationToken);

        var address = ServeHost.BoundAddresses(app).FirstOrDefault() ?? options.Urls;
        await output.WriteLineAsync($"transfer serve: listening on {string.Join(", ", ServeHost.BoundAddresses(app))}");
        await output.WriteLineAsync($"  store:    {store.RootDirectory} (drop batches into datasets/{{project}}/{{batch}}/, then write _READY)");
        await output.WriteLineAsync($"  runs:     at most {options.MaxConcurrentRuns} at once, one per project at a time");
        if (swept > 0)
        {
            await output.WriteLineAsync($"  swept:    {swept} temporary file(s) left by writers that died mid-write");
        }
        if (created)
        {
            await output.WriteLineAsync($"  API key:  {key}   (new; shown this once)");
        }

        await output.WriteLineAsync($"  key file: {options.ResolvedApiKeyFile} (readable by you only); send it as 'X-Api-Key: <key>' or 'Authorization: Bearer <key>'");
        await output.WriteLineAsync(created
            ? $"  dashboard: {address}/?key={Uri.EscapeDataString(key)}"
            : $"  dashboard: {address}/?key=$(cat {options.ResolvedApiKeyFile})");
        if (!ServeHost.IsLoopbackOnly(options.Urls))
        {
            await output.WriteLineAsync("  warning:  listening beyond loopback; the API key is the only protection and plain HTTP exposes it on the network.");
        }

        started?.Invoke(app);
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}

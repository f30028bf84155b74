using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Hosting;

/// <summary>
/// A CLI command's pipeline: the shared composition root (<see cref="CoreServiceCollectionExtensions.AddTransferFunctionsCore"/>)
/// in a generic host, its options validated at start, logging to stderr so stdout stays the command's.
/// </summary>
public sealed class LocalPipeline : IAsyncDisposable
{
    private readonly IHost _host;

    private LocalPipeline(IHost host)
    {
        _host = host;
        var store = host.Services.GetRequiredService<IOptions<StoreOptions>>().Value;
        StoreRoot = Path.GetFullPath(store.Root);
    }

    /// <summary>Environment variable naming the default store directory.</summary>
    public const string StoreVariable = CliConfiguration.StoreVariable;

    public IServiceProvider Services => _host.Services;
    public string StoreRoot { get; }
    public IObjectStore Store => Services.GetRequiredService<IObjectStore>();
    public PipelineSteps Steps => Services.GetRequiredService<PipelineSteps>();
    public AdaptationService Service => Services.GetRequiredService<AdaptationService>();
    public IStepExecutor Executor => Services.GetRequiredService<IStepExecutor>();

    /// <summary>The default of <c>--store</c>: <c>$TF_STORE</c> or <c>.store</c>.</summary>
    public static string DefaultStoreRoot => Environment.GetEnvironmentVariable(StoreVariable) is { Length: > 0 } s ? s : ".store";

    /// <summary>Builds and starts the command's host over <paramref name="storeRoot"/> (null: from configuration).</summary>
    /// <exception cref="OptionsValidationException">The configuration is invalid (the message names the setting).</exception>
    public static async Task<LocalPipeline> StartAsync(string? storeRoot, CancellationToken cancellationToken, StepIsolation isolation = StepIsolation.InProcess,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = Directory.GetCurrentDirectory() });
        var commandLine = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (storeRoot is not null)
        {
            // `--store DIR` keeps meaning a filesystem store, whatever the configuration's kind.
            commandLine["Store:Kind"] = StoreOptions.FileSystem;
            commandLine["Store:Root"] = storeRoot;
        }
        // A command's stdout is its output and stderr its progress: the pipeline's own log only speaks up for warnings.
        CliConfiguration.AddSources(builder.Configuration, commandLine, new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        // A failed start is reported by the command in one line, not as the host's stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical);
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // In-process unless the command or Steps:Isolation asks otherwise: a command running one run inline has no API to keep responsive.
        builder.Services.AddStepExecution(builder.Configuration, isolation == StepIsolation.InProcess ? null : isolation);
        builder.Services.AddTransferFunctionsCore(builder.Configuration);
        configureServices?.Invoke(builder.Services);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new LocalPipeline(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    /// <summary>How to start this CLI again: `dotnet transfer.dll` (or the apphost when running as one).</summary>
    public static IReadOnlyList<string> SelfCommand()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "transfer.dll");
        return Environment.ProcessPath is { } exe && Path.GetFileNameWithoutExtension(exe) == "transfer"
            ? new[] { exe }
            : new[] { Environment.ProcessPath ?? "dotnet", dll };
    }
}

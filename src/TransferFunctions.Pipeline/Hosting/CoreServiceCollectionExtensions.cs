using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Observability;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Hosting;

/// <summary>
/// The one composition root of the pipeline core, shared by <c>transfer serve</c>, every CLI command and the Functions
/// app: each part is registered once, as a singleton, with its options bound from configuration and validated at start.
/// </summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>Configuration key of the device the compute steps run on (<c>auto</c>, <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>).</summary>
    public const string DeviceKey = "Engine:Device";

    /// <summary>
    /// Registers the store (by <c>Store:Kind</c>: <c>filesystem</c> here; another kind must be registered by its adapter as a
    /// keyed <see cref="IObjectStore"/> under the kind's name), the orchestration client, the model registry, base-model
    /// resolution, the steps and their executor (in-process unless the host registered an <see cref="IStepExecutor"/>),
    /// the journaling runner, <see cref="AdaptationService"/> (also as <see cref="IAdaptationService"/>), the
    /// host-neutral <see cref="AdaptationApi"/> and <see cref="HealthProbe"/>, the local <see cref="RunScheduler"/> and the
    /// <see cref="DataArrivalTrigger"/>. Sections: <c>Store</c>, <c>Pipeline</c>, <c>Runner</c>, <c>Scheduler</c>, <c>Trigger</c>.
    /// Nothing runs until a host asks: <see cref="AddLocalRunExecution"/> adds the background execution of <c>transfer serve</c>.
    /// </summary>
    public static IServiceCollection AddTransferFunctionsCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.Kind is StoreOptions.FileSystem or StoreOptions.AzureBlob, $"Store:Kind must be '{StoreOptions.FileSystem}' or '{StoreOptions.AzureBlob}'.")
            .Validate(o => o.Kind != StoreOptions.FileSystem || !string.IsNullOrWhiteSpace(o.Root), "Store:Root (the filesystem store's folder) is required.")
            .Validate(o => o.Kind != StoreOptions.AzureBlob || !string.IsNullOrWhiteSpace(o.BlobServiceUri) || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Store:BlobServiceUri (or, for Azurite, Store:ConnectionString) is required for Store:Kind azure-blob.")
            .ValidateOnStart();
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.Section))
            .Configure<IOptions<StoreOptions>>((o, store) =>
            {
                // Scratch space beside a filesystem store unless configured: one volume, swept with the store.
                if (configuration[$"{PipelineOptions.Section}:{nameof(PipelineOptions.WorkDirectory)}"] is null && store.Value.Kind == StoreOptions.FileSystem)
                    o.WorkDirectory = Path.Combine(Path.GetFullPath(store.Value.Root), ".tfstore-work");
                // The engine device is its own section (Engine:Device), shared by every host and the step container.
                if (configuration[DeviceKey] is { Length: > 0 } device) o.Device = device;
            })
            .Validate(o => o.MinExamplesPerClass >= 1, "Pipeline:MinExamplesPerClass must be at least 1.")
            .Validate(o => o.MaxPixels > 0, "Pipeline:MaxPixels must be positive.")
            .Validate(o => o.BaseModelDirectories.All(Directory.Exists), "Every Pipeline:BaseModelDirectories entry must be an existing folder.")
            .ValidateOnStart();
        services.AddOptions<LocalRunnerOptions>()
            .Configure(o => o.ParkWhenWaiting = true)
            .Bind(configuration.GetSection(LocalRunnerOptions.Section))
            .Validate(o => Valid(o.Validate)).ValidateOnStart();
        services.AddOptions<RunSchedulerOptions>().Bind(configuration.GetSection(RunSchedulerOptions.Section)).Validate(o => Valid(o.Validate), "Scheduler settings are out of range (MaxConcurrentRuns ≥ 1, ConflictRetryDelay > 0).").ValidateOnStart();
        services.AddOptions<DataArrivalTriggerOptions>().Bind(configuration.GetSection(DataArrivalTriggerOptions.Section)).Validate(o => Valid(o.Validate), "Trigger settings are out of range (RescanInterval > 0, SettleDelay ≥ 0).").ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IObjectStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            return options.Kind == StoreOptions.FileSystem
                ? new FileSystemObjectStore(Path.GetFullPath(options.Root))
                : sp.GetKeyedService<IObjectStore>(options.Kind)
                  ?? throw new InvalidOperationException($"Store:Kind is '{options.Kind}', but no store of that kind is registered: add its adapter (for azure-blob, TransferFunctions.Azure's registration) to the host.");
        });
        services.TryAddSingleton(sp => new OrchestrationClient(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ModelRegistry(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<PipelineOptions>>().Value);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<LocalRunnerOptions>>().Value);
        services.TryAddSingleton(sp => new BaseModelResolver(sp.GetRequiredService<ModelRegistry>(), sp.GetRequiredService<PipelineOptions>()));
        services.TryAddSingleton(sp => new PipelineSteps(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<ModelRegistry>(), sp.GetRequiredService<OrchestrationClient>(),
            sp.GetRequiredService<BaseModelResolver>(), sp.GetRequiredService<PipelineOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IStepExecutor>(sp => sp.GetRequiredService<PipelineSteps>().CreateInProcessExecutor());
        services.TryAddSingleton(sp => new ObservedStepExecutor(sp.GetRequiredService<IStepExecutor>(), sp.GetRequiredService<ILogger<ObservedStepExecutor>>(), configuration[DeviceKey] ?? TransferFunctions.Learning.Engine.EngineDevice.Auto));
        services.TryAddSingleton(sp => new LocalOrchestrationRunner(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<ObservedStepExecutor>(),
            sp.GetRequiredService<LocalRunnerOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LocalOrchestrationRunner>>()));
        services.TryAddSingleton(sp => new AdaptationService(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<OrchestrationClient>(), sp.GetRequiredService<ModelRegistry>(),
            sp.GetRequiredService<LocalOrchestrationRunner>(), sp.GetRequiredService<BaseModelResolver>(), sp.GetRequiredService<LocalRunnerOptions>(),
            sp.GetService<IRunScheduler>(), sp.GetRequiredService<ILogger<AdaptationService>>()));
        services.TryAddSingleton<IAdaptationService>(sp => sp.GetRequiredService<AdaptationService>());
        services.TryAddSingleton(sp => new AdaptationApi(sp.GetRequiredService<IAdaptationService>()));
        services.TryAddSingleton(sp => new BatchesApi(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new HealthProbe(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<IOptions<StoreOptions>>(), sp.GetService<RunScheduler>(), sp.GetService<ParkedRuns>()));

        // The local scheduler; a run it executes goes through the service (project lease, parking). Resolved lazily: the
        // service in turn schedules through it once AddLocalRunExecution has made it the host's IRunScheduler.
        services.TryAddSingleton(sp => new RunScheduler(
            (id, ct) => LocalRunExecution.ExecuteAsync((run, token) => sp.GetRequiredService<AdaptationService>().RunAsync(run, token), sp.GetRequiredService<ParkedRuns>(), id, ct),
            sp.GetRequiredService<IOptions<RunSchedulerOptions>>().Value, sp.GetRequiredService<ILogger<RunScheduler>>()));
        services.TryAddSingleton(sp => new ParkedRuns(sp.GetRequiredService<OrchestrationClient>(), sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<RunScheduler>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ParkedRuns>>()));
        services.TryAddSingleton(sp => new DataArrivalTrigger(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<IAdaptationService>(),
            sp.GetRequiredService<IOptions<DataArrivalTriggerOptions>>().Value, sp.GetRequiredService<ILogger<DataArrivalTrigger>>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// Makes this process execute runs (the local host, <c>transfer serve</c>): the <see cref="RunScheduler"/> becomes the
    /// service's <see cref="IRunScheduler"/>, and a hosted service resumes unfinished runs at start, runs the data-arrival
    /// trigger and wakes parked runs. CLI commands that run one run inline leave this out.
    /// </summary>
    public static IServiceCollection AddLocalRunExecution(this IServiceCollection services)
    {
        services.TryAddSingleton<IRunScheduler>(sp => sp.GetRequiredService<RunScheduler>());
        services.AddHostedService(sp => new LocalRunExecution(sp.GetRequiredService<IAdaptationService>(), sp.GetRequiredService<RunScheduler>(), sp.GetRequiredService<ParkedRuns>(),
            sp.GetRequiredService<DataArrivalTrigger>(), sp.GetRequiredService<ILogger<LocalRunExecution>>()));
        return services;
    }

    private static bool Valid(Func<object> validate)
    {
        try
        {
            validate();
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}

using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using TransferFunctions.Cli.Serve;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Tests.TestSupport;

/// <summary>
/// A real <c>transfer serve</c> host (Kestrel on a free loopback port) over a store folder, running
/// <see cref="SmallAdaptOrchestrator"/> through the real runner, scheduler and trigger.
/// </summary>
public sealed class ServeTestHost : IAsyncDisposable
{
    private ServeTestHost(string storeDirectory, SmallPipelineSteps steps, WebApplication app, ServeComponents components, OrchestrationClient client, ModelRegistry registry, string apiKey)
    {
        StoreDirectory = storeDirectory;
        Steps = steps;
        App = app;
        Components = components;
        Client = client;
        Registry = registry;
        ApiKey = apiKey;
        BaseAddress = new Uri(ServeHost.BoundAddresses(app).Single());
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Add(ApiKeyAuthentication.HeaderName, apiKey);
        Anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Anonymous.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public string StoreDirectory { get; }

    public SmallPipelineSteps Steps { get; }

    public WebApplication App { get; }

    public ServeComponents Components { get; }

    public OrchestrationClient Client { get; }

    public ModelRegistry Registry { get; }

    public string ApiKey { get; }

    public Uri BaseAddress { get; }

    /// <summary>Sends the API key on every request.</summary>
    public HttpClient Http { get; }

    /// <summary>Sends no key and follows no redirects.</summary>
    public HttpClient Anonymous { get; }

    public IObjectStore Store => Components.Store;

    public static async Task<ServeTestHost> StartAsync(
        string storeDirectory,
        SmallPipelineSteps? steps = null,
        int maxConcurrentRuns = 2,
        DataArrivalTriggerOptions? trigger = null)
    {
        var store = new FileSystemObjectStore(storeDirectory);
        var client = new OrchestrationClient(store);
        var registry = new ModelRegistry(store);
        steps ??= new SmallPipelineSteps(store, registry);
        var runner = new LocalOrchestrationRunner(store, steps.CreateExecutor(), new LocalRunnerOptions { PollInterval = TimeSpan.FromMilliseconds(20) });
        var scheduler = new RunScheduler(
            (id, ct) => runner.RunAsync(new SmallAdaptOrchestrator(), id, ct),
            new RunSchedulerOptions { MaxConcurrentRuns = maxConcurrentRuns, ConflictRetryDelay = TimeSpan.FromMilliseconds(100) });
        var service = new SmallAdaptationService(client, registry, scheduler);
        var arrivals = new DataArrivalTrigger(store, service, trigger ?? new DataArrivalTriggerOptions { RescanInterval = TimeSpan.FromMilliseconds(500), SettleDelay = TimeSpan.FromMilliseconds(50) });
        var components = new ServeComponents(store, service, scheduler, arrivals);
        var options = new ServeOptions(Urls: "http://127.0.0.1:0", StoreDirectory: storeDirectory, MaxConcurrentRuns: maxConcurrentRuns);
        var (key, _) = ApiKeyFile.LoadOrCreate(options.ResolvedApiKeyFile);
        var app = ServeHost.Build(options, components, key, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return new ServeTestHost(storeDirectory, steps, app, components, client, registry, key);
    }

    /// <summary>Writes <paramref name="files"/> data files into a batch, then (when asked) its <c>_READY</c> marker.</summary>
    public Task WriteBatchAsync(string project, string batch, int files, bool ready = true) => WriteBatchAsync(Store, project, batch, files, ready);

    public static async Task WriteBatchAsync(IObjectStore store, string project, string batch, int files, bool ready = true)
    {
        for (var i = 0; i < files; i++)
        {
            await store.WriteAsync($"{ArrivalKeys.DatasetsRoot}{project}/{batch}/item-{i:D3}.txt", "label,pixels\n"u8.ToArray());
        }

        if (ready)
        {
            await store.WriteAsync(ArrivalKeys.Marker(project, batch), ReadOnlyMemory<byte>.Empty);
        }
    }

    /// <summary>Polls the store until the run ends.</summary>
    public Task<RunRecord> WaitForRunAsync(string runId, TimeSpan? timeout = null) =>
        Components.Service.WaitForCompletionAsync(runId, timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="what"/> after the timeout.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(25);
        }
    }

    public async Task StopAsync() => await App.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Anonymous.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Components.Trigger?.Dispose();
    }
}

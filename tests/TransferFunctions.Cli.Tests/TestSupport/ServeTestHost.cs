using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TransferFunctions.Cli.Serve;
using TransferFunctions.Learning.Data;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Promotion;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Tests.TestSupport;

/// <summary>
/// A real <c>transfer serve</c> host (Kestrel on a free loopback port) over a store folder: the shared composition root,
/// the real AdaptModel pipeline, runner, scheduler and trigger. Runs are kept quick by small data and budgets, not stand-ins.
/// </summary>
public sealed class ServeTestHost : IAsyncDisposable
{
    /// <summary>Training budget of test runs (optimizer steps for candidate and scratch alike).</summary>
    public const int Steps = 10;

    /// <summary>
    /// Quality is proven by the learning and pipeline tests; here a run must promote whenever the candidate is at least as
    /// good as the champion, so tests see what promotion does through the API.
    /// </summary>
    public static readonly PromotionPolicy Lenient = TransferFunctions.Cli.Bench.ReliabilityLoad.LoadPolicy;

    private static readonly Lazy<Task<FashionMnistTargetBatches>> Batches = new(() => FashionMnistTargetBatches.LoadAsync(CancellationToken.None));

    private ServeTestHost(string storeDirectory, WebApplication app, string apiKey)
    {
        StoreDirectory = storeDirectory;
        App = app;
        ApiKey = apiKey;
        BaseAddress = new Uri(ServeHost.BoundAddresses(app).Single());
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Add(ApiKeyAuthentication.HeaderName, apiKey);
        Anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Anonymous.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public string StoreDirectory { get; }

    public WebApplication App { get; }

    public string ApiKey { get; }

    public Uri BaseAddress { get; }

    /// <summary>Sends the API key on every request.</summary>
    public HttpClient Http { get; }

    /// <summary>Sends no key and follows no redirects.</summary>
    public HttpClient Anonymous { get; }

    public IObjectStore Store => App.Services.GetRequiredService<IObjectStore>();

    public OrchestrationClient Client => App.Services.GetRequiredService<OrchestrationClient>();

    public ModelRegistry Registry => App.Services.GetRequiredService<ModelRegistry>();

    public IAdaptationService Service => App.Services.GetRequiredService<IAdaptationService>();

    public RunScheduler Scheduler => App.Services.GetRequiredService<RunScheduler>();

    /// <param name="storeDirectory">The store's folder.</param>
    /// <param name="maxConcurrentRuns">Scheduler slots.</param>
    /// <param name="rescan">How often the trigger rescans; API tests leave it long, so only submissions start runs.</param>
    /// <param name="watch">Whether the trigger watches the filesystem.</param>
    public static async Task<ServeTestHost> StartAsync(string storeDirectory, int maxConcurrentRuns = 2, TimeSpan? rescan = null, bool watch = false)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Store:Root"] = storeDirectory,
            ["Scheduler:MaxConcurrentRuns"] = maxConcurrentRuns.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Scheduler:ConflictRetryDelay"] = "00:00:00.100",
            ["Trigger:RescanInterval"] = (rescan ?? TimeSpan.FromHours(1)).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["Trigger:SettleDelay"] = "00:00:00.050",
            ["Trigger:WatchFileSystem"] = watch ? "true" : "false",
            ["Runner:PollInterval"] = "00:00:00.050",
            // In this process, as the API tests need (their runs are small): serve's own default, compute steps in niced child
            // processes, is what the tests that start serve as a process (Reliability/, Serve/ServeStepIsolationTests) run.
            ["Steps:Isolation"] = "in-process",
        };
        var options = new ServeOptions("http://127.0.0.1:0", null, settings);
        var builder = ServeHost.CreateBuilder(options, Environment.GetEnvironmentVariable("TF_TEST_LOG") == "1" ? LogLevel.Information : LogLevel.Warning);
        var (key, _) = ApiKeyFile.LoadOrCreate(options.ResolvedApiKeyFile(storeDirectory));
        var app = ServeHost.Build(builder, key);
        await app.StartAsync();
        return new ServeTestHost(storeDirectory, app, key);
    }

    /// <summary>Delivers real images (Fashion-MNIST classes 5–9) as a batch of <paramref name="project"/>, with its <c>_READY</c> marker.</summary>
    public Task DeliverAsync(string project, string batch, int perClass = 10, int offset = 0, int holdoutPerClass = 4) => DeliverAsync(StoreDirectory, project, batch, perClass, offset, holdoutPerClass);

    public static async Task DeliverAsync(string storeDirectory, string project, string batch, int perClass = 10, int offset = 0, int holdoutPerClass = 4) =>
        await (await Batches.Value).DeliverAsync(storeDirectory, project, batch, perClass, offset, CancellationToken.None, holdoutPerClass);

    /// <summary>Stores the project's defaults: a small budget and the lenient policy (or <paramref name="policy"/>).</summary>
    public Task SettleProjectAsync(string project, PromotionPolicy? policy = null, string strategy = "fine-tune") =>
        Store.WriteJsonAsync(ProjectSettings.KeyOf(project), new ProjectSettings(strategy, Steps, Policy: policy ?? Lenient), WriteCondition.Always);

    /// <summary>Polls the store until the run ends.</summary>
    public Task<RunRecord> WaitForRunAsync(string runId, TimeSpan? timeout = null) =>
        Service.WaitForCompletionAsync(runId, timeout ?? TimeSpan.FromMinutes(3));

    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="what"/> after the timeout.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.{(describe is null ? "" : " Last seen: " + describe())}");
            }

            await Task.Delay(50);
        }
    }

    public async Task StopAsync() => await App.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Anonymous.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

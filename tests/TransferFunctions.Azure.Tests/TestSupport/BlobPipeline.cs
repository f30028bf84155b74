using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using TransferFunctions.Azure.Storage;
using TransferFunctions.Learning.Data;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Promotion;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Azure.Tests.TestSupport;

/// <summary>
/// The local engine as <c>transfer serve</c> composes it (<see cref="CoreServiceCollectionExtensions.AddTransferFunctionsCore"/>,
/// runs executed by the <see cref="RunScheduler"/>), on the Azure Blob store registered from configuration
/// (<c>Store:Kind=azure-blob</c>, <see cref="AzureBlobStoreServiceCollectionExtensions.AddAzureBlobStore"/>) against a real
/// Azurite, with the real steps. Faults go in at the storage port (<see cref="Faults"/>) and at the step executor
/// (<see cref="Probe"/>). Small real data and budgets (the process-fault scenarios' sizes) keep a run under a minute.
/// </summary>
public sealed class BlobPipeline : IAsyncDisposable
{
    public const string Project = "azfaults";

    /// <summary>Optimizer steps of candidate and scratch alike.</summary>
    public const int TrainingSteps = 10;

    /// <summary>
    /// What is tested here is that promotion happens exactly once, not model quality: the rules are relaxed so a tiny run
    /// promotes (the load scenario's policy).
    /// </summary>
    public static readonly PromotionPolicy Lenient = PromotionPolicy.Default with
    {
        MinImprovement = -1, MaxPValue = 1.01, MaxClassRegression = 1, MinGainOverScratch = -1,
        FirstModelMustBeatLinearProbe = false, MinTestExamplesPerClass = 0, RetentionFloor = 0,
    };

    private static readonly Lazy<Task<FashionMnistTargetBatches>> Batches = new(() => FashionMnistTargetBatches.LoadAsync(CancellationToken.None));

    private readonly ServiceProvider _provider;
    private readonly TemporaryFolder _work;

    private BlobPipeline(ServiceProvider provider, TemporaryFolder work, RecordingLoggerProvider logs)
    {
        _provider = provider;
        _work = work;
        Logs = logs;
    }

    public IAdaptationService Service => _provider.GetRequiredService<IAdaptationService>();

    public ModelRegistry Registry => _provider.GetRequiredService<ModelRegistry>();

    public OrchestrationClient Runs => _provider.GetRequiredService<OrchestrationClient>();

    /// <summary>The store the pipeline uses: the Blob store behind the fault injector.</summary>
    public FaultInjectingObjectStore Faults => (FaultInjectingObjectStore)_provider.GetRequiredService<IObjectStore>();

    /// <summary>The Blob store itself (no faults).</summary>
    public AzureBlobObjectStore Blob => _provider.GetRequiredService<AzureBlobObjectStore>();

    public StepProbe Probe => (StepProbe)_provider.GetRequiredService<IStepExecutor>();

    public RecordingLoggerProvider Logs { get; }

    /// <param name="connectionString">Azurite's.</param>
    /// <param name="container">Created on first use.</param>
    /// <param name="settings">More configuration (e.g. <c>Runner:LeaseDuration</c>).</param>
    public static BlobPipeline Start(string connectionString, string container, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var work = new TemporaryFolder();
        var values = new Dictionary<string, string?>
        {
            ["Store:Kind"] = AzureBlobStoreOptions.KindName,
            ["Store:ConnectionString"] = connectionString,
            ["Store:Container"] = container,
            ["Store:CreateContainer"] = "true",
            // The smallest block the store allows: a version's weights (1.2 MB) go up as staged blocks and one commit, as large models do.
            ["Store:UploadBlockSize"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Pipeline:WorkDirectory"] = work.Path,
            ["Runner:PollInterval"] = "00:00:00.100",
            ["Scheduler:ConflictRetryDelay"] = "00:00:00.500",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new RecordingLoggerProvider();
        var services = new ServiceCollection().AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        services.AddAzureBlobStore(configuration);
        services.Replace(ServiceDescriptor.Singleton<IObjectStore>(sp => new FaultInjectingObjectStore(sp.GetRequiredService<AzureBlobObjectStore>())));
        services.AddSingleton<IStepExecutor>(sp => new StepProbe(sp.GetRequiredService<PipelineSteps>().CreateInProcessExecutor()));
        // As AddLocalRunExecution does: the service schedules submitted runs on the local scheduler.
        services.AddSingleton<IRunScheduler>(sp => sp.GetRequiredService<RunScheduler>());
        services.AddTransferFunctionsCore(configuration);
        return new BlobPipeline(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }), work, logs);
    }

    public static AdaptationRequest Request(string batch = "b1") =>
        new(Project, batch, "fine-tune", Policy: Lenient, RequestedBy: "azure-fault-tests", Steps: TrainingSteps);

    /// <summary>Uploads a batch of real images (Fashion-MNIST 5–9, <paramref name="perClass"/> per class plus 4 held out) with its <c>_READY</c> marker last.</summary>
    public Task DeliverAsync(string batch = "b1", int perClass = 10, int offset = 0) => DeliverAsync(Blob, batch, perClass, offset);

    /// <summary>Uploads a batch of <see cref="Project"/> into <paramref name="store"/>, as <see cref="DeliverAsync(string, int, int)"/>.</summary>
    public static async Task DeliverAsync(IObjectStore store, string batch = "b1", int perClass = 10, int offset = 0)
    {
        using var staging = new TemporaryFolder();
        await (await Batches.Value).DeliverAsync(staging.Path, Project, batch, perClass, offset, CancellationToken.None, holdoutPerClass: 4);
        var files = Directory.EnumerateFiles(staging.Path, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(staging.Path, f).Replace('\\', '/'))
            .OrderBy(k => k.EndsWith("/" + ArrivalKeys.ReadyMarker, StringComparison.Ordinal))
            .ThenBy(k => k, StringComparer.Ordinal)
            .ToList();
        foreach (var key in files) await store.WriteAsync(key, await File.ReadAllBytesAsync(Path.Combine(staging.Path, key)));
    }

    public Task<RunRecord> SubmitAsync(string runId, string batch = "b1") => Service.SubmitAsync(Request(batch), runId);

    public Task<RunRecord> CompletionAsync(string runId) => Service.WaitForCompletionAsync(runId, TimeSpan.FromMinutes(10));

    /// <summary>The run's result, failing the test with the run's failure when it has none.</summary>
    public static AdaptationResult Result(RunRecord run) =>
        StoreJson.FromElement<AdaptationResult>(run.Output ?? throw new Xunit.Sdk.XunitException($"run {run.InstanceId} has no output ({run.Status}: {run.Failure?.Message})"), "output")!;

    /// <summary>
    /// The run completed and promoted exactly once: one visible version, registered by this run, the champion on it with
    /// no earlier move, and the promote step journaled once. Returns the version.
    /// </summary>
    public async Task<int> ExpectPromotedOnceAsync(RunRecord final, string? log = null)
    {
        Assert.True(final.Status == RunStatus.Completed, $"run {final.InstanceId} is {final.Status}: {final.Failure?.Message}\n{log ?? LogTail()}");
        var result = Result(final);
        Assert.True(result.Outcome == "promoted", $"{result.Outcome}: {string.Join("; ", result.Reasons)}");
        var versions = await Registry.ListVersionsAsync(Project);
        var version = Assert.Single(versions);
        Assert.Equal(final.InstanceId, version.RunId);
        Assert.Equal(result.Version, version.Version);
        var champion = (await Registry.GetChampionAsync(Project))!.Value;
        Assert.Equal(version.Version, champion.Version);
        Assert.Empty(champion.History);
        var model = await Service.GetModelAsync(Project);
        Assert.Equal([version.Version], model!.Versions.Select(v => v.Version));
        var journal = await Runs.GetJournalAsync(final.InstanceId);
        Assert.Single(journal!.Entries, e => e.Name == StepNames.Promote && e.Kind == JournalEntryKind.StepCompleted);
        return version.Version;
    }

    /// <summary>No version of the project is visible, through the registry or the service, and it has no champion.</summary>
    public async Task ExpectNothingPublishedAsync()
    {
        Assert.Empty(await Registry.ListVersionsAsync(Project));
        Assert.DoesNotContain(Project, await Registry.ListModelsAsync());
        Assert.Null(await Service.GetModelAsync(Project));
        Assert.Null(await Registry.GetChampionAsync(Project));
    }

    /// <summary>The raw names under the project's registry folder (claims, weights and cards of every version, complete or not).</summary>
    public async Task<List<string>> RegistryKeysAsync()
    {
        var keys = new List<string>();
        await foreach (var item in Blob.ListAsync(ModelKeys.Folder(Project))) keys.Add(item.Key);
        return keys;
    }

    public string LogTail(int lines = 40) => string.Join("\n", Logs.Lines.TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        await _provider.GetRequiredService<RunScheduler>().StopAsync();
        await _provider.DisposeAsync();
        _work.Dispose();
    }
}

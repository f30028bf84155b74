using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TransferFunctions.Functions.Containers;
using TransferFunctions.Functions.Orchestration;
using TransferFunctions.Functions.Projects;
using TransferFunctions.Functions.Runs;
using TransferFunctions.Functions.Steps;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>
/// The app's orchestrations and activities — the very function methods the Functions host would call — registered
/// with Durable Task's in-process test host (the real SDK worker and client, replay included, over an in-memory
/// backend), on a filesystem store in a temporary folder.
/// </summary>
public sealed class DurableTestApp : IAsyncDisposable
{
    private readonly DurableTaskTestHost _host;

    private DurableTestApp(DurableTaskTestHost host, IObjectStore store, PipelineSteps steps, ProjectTurns turns, DurableAdaptationServices services, string root)
    {
        _host = host;
        Store = store;
        Steps = steps;
        Turns = turns;
        Services = services;
        StoreRoot = root;
    }

    public string StoreRoot { get; }
    public IObjectStore Store { get; }
    public PipelineSteps Steps { get; }
    public ProjectTurns Turns { get; }
    public DurableAdaptationServices Services { get; }
    public DurableTaskClient Client => _host.Client;

    /// <summary>The app's adaptation service over the test host's client.</summary>
    public DurableAdaptationService Service => Services.For(Client);

    /// <param name="storeRoot">The filesystem store's folder.</param>
    /// <param name="options">Step runner settings (small retry intervals keep failure tests short).</param>
    /// <param name="launcher">The container job launcher, for the <c>container-job</c> runner.</param>
    /// <param name="executor">Runs the steps (default: the real in-process pipeline steps).</param>
    /// <param name="more">Registers test orchestrations beside the app's.</param>
    public static async Task<DurableTestApp> StartAsync(string storeRoot, StepRunnerOptions? options = null, IStepJobLauncher? launcher = null, IStepExecutor? executor = null,
        Action<DurableTaskRegistry>? more = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Store:Root"] = storeRoot }).Build();
        var container = new ServiceCollection().AddLogging();
        if (launcher is not null) container.AddSingleton(launcher);
        if (executor is not null) container.AddSingleton(executor);
        container.AddSingleton(Options.Create(options ?? new StepRunnerOptions()));
        // The app's own composition root, as Program.cs calls it.
        container.AddTransferFunctionsApp(configuration);
        var provider = container.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var store = provider.GetRequiredService<IObjectStore>();
        var steps = provider.GetRequiredService<PipelineSteps>();
        var turns = provider.GetRequiredService<ProjectTurns>();
        var services = provider.GetRequiredService<DurableAdaptationServices>();
        var adapt = ActivatorUtilities.CreateInstance<AdaptModelFunctions>(provider);
        var containers = ActivatorUtilities.CreateInstance<ContainerStepFunctions>(provider);
        var none = CancellationToken.None;

        var host = await DurableTaskTestHost.StartAsync(r =>
        {
            r.AddOrchestratorFunc<JsonElement>(DurableNames.AdaptModel, context => adapt.AdaptModel(context));
            r.AddActivityFunc<JsonElement, JsonElement>(DurableNames.RunStep, (_, input) => adapt.RunStep(input, none));
            r.AddActivityFunc<ProjectTurnRequest, ProjectTurnClaim>(DurableNames.ClaimProjectTurn, (_, input) => adapt.ClaimProjectTurn(input, none));
            r.AddActivityFunc<ProjectTurnRequest, string?>(DurableNames.ReleaseProjectTurn, (_, input) => adapt.ReleaseProjectTurn(input, none));
            r.AddOrchestratorFunc<JsonElement>(DurableNames.RunStepInContainer, context => containers.RunStepInContainer(context));
            r.AddActivityFunc<JsonElement, PreparedContainerStep>(DurableNames.PrepareContainerStep, (_, input) => containers.PrepareContainerStep(input, none));
            r.AddActivityFunc<StepJobRequest, string>(DurableNames.StartStepJob, (_, input) => containers.StartStepJob(input, none));
            r.AddActivityFunc<string, StepJobStatus>(DurableNames.GetStepJobStatus, (_, input) => containers.GetStepJobStatus(input, none));
            r.AddActivityFunc<string>(DurableNames.StopStepJob, (_, input) => containers.StopStepJob(input, none));
            r.AddActivityFunc<string, JsonElement>(DurableNames.ReadStepOutput, (_, input) => containers.ReadStepOutput(input, none));
            more?.Invoke(r);
        }, new DurableTaskTestHostOptions { LoggerFactory = NullLoggerFactory.Instance });
        return new DurableTestApp(host, store, steps, turns, services, storeRoot);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}

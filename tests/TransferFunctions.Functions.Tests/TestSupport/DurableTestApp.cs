using System.Globalization;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TransferFunctions.Azure.Jobs;
using TransferFunctions.Functions.Containers;
using TransferFunctions.Functions.Orchestration;
using TransferFunctions.Functions.Projects;
using TransferFunctions.Functions.Runs;
using TransferFunctions.Functions.Steps;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>
/// The app as its composition root builds it (<see cref="FunctionsAppServices.AddTransferFunctionsApp"/> over configuration,
/// a filesystem store in a temporary folder), with its orchestrations and activities — the very function methods the
/// Functions host would call, on instances made the way the host makes them — registered with Durable Task's in-process
/// test host (the real SDK worker and client, replay included, over an in-memory backend).
/// </summary>
public sealed class DurableTestApp : IAsyncDisposable
{
    private readonly DurableTaskTestHost _host;
    private readonly ServiceProvider _provider;

    private DurableTestApp(DurableTaskTestHost host, ServiceProvider provider, string root)
    {
        _host = host;
        _provider = provider;
        StoreRoot = root;
    }

    public string StoreRoot { get; }
    public IServiceProvider Provider => _provider;
    public IObjectStore Store => _provider.GetRequiredService<IObjectStore>();
    public PipelineSteps Steps => _provider.GetRequiredService<PipelineSteps>();
    public ProjectTurns Turns => _provider.GetRequiredService<ProjectTurns>();
    public DurableAdaptationServices Services => _provider.GetRequiredService<DurableAdaptationServices>();
    public DurableTaskClient Client => _host.Client;

    /// <summary>The app's adaptation service over the test host's client.</summary>
    public DurableAdaptationService Service => Services.For(Client);

    /// <summary>A function class made as the Functions host makes it: constructor injection from the app's services.</summary>
    public T Create<T>() => ActivatorUtilities.CreateInstance<T>(_provider);

    /// <summary>The configuration the app is composed from: the store folder and the <c>Steps</c> section.</summary>
    public static Dictionary<string, string?> Settings(string storeRoot, StepRunnerOptions? options = null)
    {
        var o = options ?? new StepRunnerOptions();
        string Span(TimeSpan t) => t.ToString("c", CultureInfo.InvariantCulture);
        return new Dictionary<string, string?>
        {
            ["Store:Kind"] = "filesystem",
            ["Store:Root"] = storeRoot,
            ["Steps:Runner"] = o.Runner,
            ["Steps:MaxAttempts"] = o.MaxAttempts.ToString(CultureInfo.InvariantCulture),
            ["Steps:FirstRetryInterval"] = Span(o.FirstRetryInterval),
            ["Steps:BackoffCoefficient"] = o.BackoffCoefficient.ToString(CultureInfo.InvariantCulture),
            ["Steps:MaxRetryInterval"] = Span(o.MaxRetryInterval),
            ["Steps:ContainerPollInterval"] = Span(o.ContainerPollInterval),
            ["Steps:ContainerTimeout"] = Span(o.ContainerTimeout),
            ["Steps:ProjectTurnRecheckInterval"] = Span(o.ProjectTurnRecheckInterval),
        };
    }

    /// <param name="storeRoot">The filesystem store's folder.</param>
    /// <param name="options">Step runner settings (small retry intervals keep failure tests short), given to the app as configuration.</param>
    /// <param name="launcher">The container job launcher, for the <c>container-job</c> runner (registered before the app's, so it wins).</param>
    /// <param name="executor">Runs the steps (default: the core's in-process pipeline steps).</param>
    /// <param name="more">Registers test orchestrations beside the app's.</param>
    /// <param name="settings">More configuration, over the store and step settings.</param>
    /// <param name="configure">More registrations before the app's (which keep them), e.g. the store.</param>
    public static async Task<DurableTestApp> StartAsync(string storeRoot, StepRunnerOptions? options = null, IContainerStepLauncher? launcher = null, IStepExecutor? executor = null,
        Action<DurableTaskRegistry>? more = null, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(storeRoot, options)).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var container = new ServiceCollection().AddLogging();
        if (launcher is not null) container.AddSingleton(launcher);
        if (executor is not null) container.AddSingleton(executor);
        configure?.Invoke(container);
        container.AddTransferFunctionsApp(configuration);
        var provider = container.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        try
        {
            var adapt = ActivatorUtilities.CreateInstance<AdaptModelFunctions>(provider);
            var containers = ActivatorUtilities.CreateInstance<ContainerStepFunctions>(provider);
            var none = CancellationToken.None;
            DurableTaskTestHost? started = null;
            void Register(DurableTaskRegistry r)
            {
                r.AddOrchestratorFunc<JsonElement>(DurableNames.AdaptModel, context => adapt.AdaptModel(context));
                r.AddActivityFunc<JsonElement, JsonElement>(DurableNames.RunStep, (_, input) => adapt.RunStep(input, none));
                r.AddActivityFunc<ProjectTurnRequest, ProjectTurnClaim>(DurableNames.ClaimProjectTurn, (_, input) => adapt.ClaimProjectTurn(input, started!.Client, none));
                r.AddActivityFunc<ProjectTurnRequest, string?>(DurableNames.ReleaseProjectTurn, (_, input) => adapt.ReleaseProjectTurn(input, none));
                r.AddOrchestratorFunc<JsonElement>(DurableNames.RunStepInContainer, context => containers.RunStepInContainer(context));
                r.AddActivityFunc<JsonElement, PreparedContainerStep>(DurableNames.PrepareContainerStep, (_, input) => containers.PrepareContainerStep(input, none));
                r.AddActivityFunc<StepJobRequest, string>(DurableNames.StartStepJob, (_, input) => containers.StartStepJob(input, none));
                r.AddActivityFunc<string, ContainerStepStatus>(DurableNames.GetStepJobStatus, (_, input) => containers.GetStepJobStatus(input, none));
                r.AddActivityFunc<string>(DurableNames.StopStepJob, (_, input) => containers.StopStepJob(input, none));
                r.AddActivityFunc<string, JsonElement>(DurableNames.ReadStepOutput, (_, input) => containers.ReadStepOutput(input, none));
                more?.Invoke(r);
            }

            var host = started = await StartHostAsync(Register);
            return new DurableTestApp(host, provider, storeRoot);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The test host's gRPC sidecar on a port of our choosing: its default, a random port in 30000-40000, is mostly inside
    /// the kernel's ephemeral range, where any outgoing connection on the machine may hold it (<see cref="LoopbackPorts"/>).
    /// A port another process bound first costs a new port, not the test.
    /// </summary>
    private static Task<DurableTaskTestHost> StartHostAsync(Action<DurableTaskRegistry> register) =>
        LoopbackPorts.StartOnFreePortAsync(port =>
            DurableTaskTestHost.StartAsync(register, new DurableTaskTestHostOptions { LoggerFactory = NullLoggerFactory.Instance, Port = port }));

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _provider.DisposeAsync();
    }
}

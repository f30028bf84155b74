using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>
/// The core's local runner as <c>transfer serve</c> composes it (<see cref="CoreServiceCollectionExtensions.AddTransferFunctionsCore"/>):
/// the <see cref="RunScheduler"/> executes submitted runs, a run waiting for approval parks and <see cref="ParkedRuns"/>
/// wakes it on its event or deadline. Unlike <c>transfer serve</c> no data-arrival trigger runs: the scenarios deliver
/// batches with their <c>_READY</c> marker and submit their runs themselves.
/// </summary>
public sealed class LocalEngine : IPipelineEngine
{
    private readonly TemporaryFolder _folder;
    private readonly ServiceProvider _provider;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _waker;

    private LocalEngine(TemporaryFolder folder, ServiceProvider provider)
    {
        _folder = folder;
        _provider = provider;
        var parked = provider.GetRequiredService<ParkedRuns>();
        _waker = Task.Run(() => parked.RunAsync(_stopping.Token));
    }

    public static LocalEngine Start()
    {
        var folder = new TemporaryFolder();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Store:Root"] = folder.Path,
            ["Runner:PollInterval"] = "00:00:00.050",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        // As AddLocalRunExecution does: the service schedules through the local scheduler.
        services.AddSingleton<IRunScheduler>(sp => sp.GetRequiredService<RunScheduler>());
        services.AddTransferFunctionsCore(configuration);
        return new LocalEngine(folder, services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
    }

    public string Name => "local";
    public string StoreRoot => _folder.Path;
    public PipelineSteps Steps => _provider.GetRequiredService<PipelineSteps>();
    public IAdaptationService Service => _provider.GetRequiredService<IAdaptationService>();

    /// <summary>Submits the run; the scheduler executes it.</summary>
    public Task<RunRecord> StartAsync(AdaptationRequest request, string runId) => Service.SubmitAsync(request, runId);

    public Task<RunRecord> CompletionAsync(string runId) => Service.WaitForCompletionAsync(runId, TimeSpan.FromMinutes(10));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _waker;
        }
        catch (OperationCanceledException)
        {
        }

        await _provider.GetRequiredService<RunScheduler>().StopAsync();
        await _provider.DisposeAsync();
        _stopping.Dispose();
        _folder.Dispose();
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>The core's local runner (what <c>transfer serve</c> and the CLI run).</summary>
public sealed class LocalEngine : IPipelineEngine
{
    private readonly TemporaryFolder _folder = new();
    private readonly AdaptationService _service;
    private readonly ConcurrentDictionary<string, Task<RunRecord>> _running = new();

    public LocalEngine()
    {
        // The core's composition root, as the CLI composes it; the run is executed inline and waits for its events
        // instead of parking (nothing would wake a parked run here: there is no scheduler).
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Store:Root"] = _folder.Path,
            ["Runner:PollInterval"] = "00:00:00.050",
            ["Runner:ParkWhenWaiting"] = "false",
        }).Build();
        _provider = new ServiceCollection().AddLogging().AddTransferFunctionsCore(configuration).BuildServiceProvider();
        Steps = _provider.GetRequiredService<PipelineSteps>();
        _service = _provider.GetRequiredService<AdaptationService>();
    }

    private readonly ServiceProvider _provider;

    public string Name => "local";
    public string StoreRoot => _folder.Path;
    public PipelineSteps Steps { get; }
    public IAdaptationService Service => _service;

    public async Task<RunRecord> StartAsync(AdaptationRequest request, string runId)
    {
        var run = await _service.SubmitAsync(request, runId);
        _running.TryAdd(runId, Task.Run(() => _service.RunAsync(runId)));
        return run;
    }

    public Task<RunRecord> CompletionAsync(string runId) => _running[runId].WaitAsync(TimeSpan.FromMinutes(10));

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        _folder.Dispose();
    }
}

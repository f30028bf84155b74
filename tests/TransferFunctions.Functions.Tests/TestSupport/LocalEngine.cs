using System.Collections.Concurrent;
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
        var store = new FileSystemObjectStore(_folder.Path);
        Steps = new PipelineSteps(store, new PipelineOptions { WorkDirectory = Path.Combine(_folder.Path, ".tfstore-work") });
        _service = new AdaptationService(store, Steps.CreateInProcessExecutor(), runnerOptions: new LocalRunnerOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
    }

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

    public ValueTask DisposeAsync()
    {
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}

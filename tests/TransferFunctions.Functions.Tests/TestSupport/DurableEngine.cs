using TransferFunctions.Functions.Steps;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>The Functions app's orchestration under Durable Task's in-process test host.</summary>
public sealed class DurableEngine : IPipelineEngine
{
    private readonly TemporaryFolder _folder;
    private readonly DurableTestApp _app;

    private DurableEngine(TemporaryFolder folder, DurableTestApp app) => (_folder, _app) = (folder, app);

    /// <param name="options">Step runner settings.</param>
    /// <param name="launcher">Makes the container job launcher over the store's folder (for the <c>container-job</c> runner).</param>
    public static async Task<DurableEngine> StartAsync(StepRunnerOptions? options = null, Func<string, TransferFunctions.Azure.Jobs.IContainerStepLauncher>? launcher = null)
    {
        var folder = new TemporaryFolder();
        return new DurableEngine(folder, await DurableTestApp.StartAsync(folder.Path, options, launcher?.Invoke(folder.Path)));
    }

    public string Name => "durable";
    public string StoreRoot => _folder.Path;
    public DurableTestApp App => _app;
    public PipelineSteps Steps => _app.Steps;
    public IAdaptationService Service => _app.Service;

    public Task<RunRecord> StartAsync(AdaptationRequest request, string runId) => _app.Service.SubmitAsync(request, runId);

    public Task<RunRecord> CompletionAsync(string runId) => _app.Service.WaitForCompletionAsync(runId, TimeSpan.FromMinutes(10));

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }
}

using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>One way to execute AdaptModel runs on a store: the local journaling runner, or Durable Task through the app's adapter.</summary>
public interface IPipelineEngine : IAsyncDisposable
{
    string Name { get; }
    string StoreRoot { get; }
    PipelineSteps Steps { get; }
    IAdaptationService Service { get; }

    /// <summary>Creates the run and sets it going (in the background: it may wait for events).</summary>
    Task<RunRecord> StartAsync(AdaptationRequest request, string runId);

    /// <summary>The run's final record.</summary>
    Task<RunRecord> CompletionAsync(string runId);
}

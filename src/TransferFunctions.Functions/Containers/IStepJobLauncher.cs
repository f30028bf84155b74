namespace TransferFunctions.Functions.Containers;

/// <summary>
/// Starts, watches and stops one execution of the step container (on Azure: a Container Apps job execution
/// running <c>transfer step NAME --input KEY --output KEY</c>). Called from activities only, never from orchestrator code.
/// </summary>
public interface IStepJobLauncher
{
    /// <summary>Starts an execution of the step; returns the execution's name (what the other calls take).</summary>
    Task<string> StartAsync(StepJobRequest request, CancellationToken cancellationToken);

    /// <summary>Where the execution is now.</summary>
    Task<StepJobStatus> GetStatusAsync(string executionName, CancellationToken cancellationToken);

    /// <summary>Stops the execution (no effect on one that has ended).</summary>
    Task StopAsync(string executionName, CancellationToken cancellationToken);
}

namespace TransferFunctions.Azure.Jobs;

/// <summary>
/// Runs one pipeline step as a container execution outside the orchestrator (a Container Apps job in Azure). The
/// step reads its input document and writes its output document in the store; only keys cross this seam. Each call
/// is short, so orchestrations call them from activities and wait between polls with durable timers.
/// </summary>
public interface IContainerStepLauncher
{
    /// <summary>
    /// Starts <c>transfer step <paramref name="step"/> --input <paramref name="inputKey"/> --output <paramref name="outputKey"/></c>
    /// and returns the execution's name, which identifies it to <see cref="GetStatusAsync"/> and <see cref="StopAsync"/>.
    /// </summary>
    /// <remarks>Not idempotent by itself: a repeated call starts another execution. Steps are idempotent (same input, same output key), so a duplicate wastes compute but changes no result.</remarks>
    Task<string> StartAsync(string step, string inputKey, string outputKey, CancellationToken cancellationToken = default);

    /// <summary>Where the execution is: running, or finished as succeeded, failed or stopped.</summary>
    Task<ContainerStepStatus> GetStatusAsync(string executionName, CancellationToken cancellationToken = default);

    /// <summary>Asks the execution to stop. Stopping one that already finished does nothing.</summary>
    Task StopAsync(string executionName, CancellationToken cancellationToken = default);
}

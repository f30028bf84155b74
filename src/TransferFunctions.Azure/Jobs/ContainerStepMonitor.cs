using System.Diagnostics;

namespace TransferFunctions.Azure.Jobs;

/// <summary>
/// The monitor pattern in plain async code for hosts without durable timers (tools, tests): start, poll until the
/// execution finishes or the deadline passes, stop it on timeout or cancellation. A Durable orchestration does the
/// same with one activity per call and a durable timer between polls.
/// </summary>
public static class ContainerStepMonitor
{
    /// <summary>Runs one step to its end.</summary>
    /// <exception cref="OperationCanceledException">Cancelled; the execution was asked to stop first.</exception>
    public static async Task<ContainerStepOutcome> RunAsync(
        IContainerStepLauncher launcher, string step, string inputKey, string outputKey,
        TimeSpan pollInterval, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pollInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var execution = await launcher.StartAsync(step, inputKey, outputKey, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                var status = await launcher.GetStatusAsync(execution, cancellationToken).ConfigureAwait(false);
                if (status.IsFinished)
                {
                    return new ContainerStepOutcome(status, TimedOut: false);
                }

                if (clock.Elapsed >= timeout)
                {
                    await launcher.StopAsync(execution, cancellationToken).ConfigureAwait(false);
                    var after = await launcher.GetStatusAsync(execution, cancellationToken).ConfigureAwait(false);
                    return new ContainerStepOutcome(after, TimedOut: true);
                }

                await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Whoever cancelled no longer waits for the result; a GPU left running would only cost money.
            await launcher.StopAsync(execution, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }
}

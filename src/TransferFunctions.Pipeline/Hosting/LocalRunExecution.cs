using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;

namespace TransferFunctions.Pipeline.Hosting;

/// <summary>
/// The local host's background work: at start, unfinished runs are resumed (parked ones are left parked, to wake on their
/// event or deadline), the data-arrival trigger and the parked-run waker start; at stop, they stop and executing runs are
/// cancelled, which leaves them to be resumed (journal replay) at the next start.
/// </summary>
public sealed class LocalRunExecution(
    IAdaptationService service, RunScheduler scheduler, ParkedRuns parked, DataArrivalTrigger trigger, ILogger<LocalRunExecution> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _background = Task.CompletedTask;

    /// <summary>
    /// Executes one run for the scheduler with <paramref name="execute"/> (the service's <c>RunAsync</c>); a run that parks
    /// (returns <see cref="RunStatus.WaitingForEvent"/>) leaves its slot and is remembered by <see cref="ParkedRuns"/>.
    /// </summary>
    public static async Task ExecuteAsync(Func<string, CancellationToken, Task<RunRecord>> execute, ParkedRuns parked, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execute);
        ArgumentNullException.ThrowIfNull(parked);
        parked.Remove(runId);
        var run = await execute(runId, cancellationToken).ConfigureAwait(false);
        if (run.Status == RunStatus.WaitingForEvent) parked.Park(run);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var (resumed, waiting) = await ResumeAsync(service.ListRunsAsync(cancellationToken), scheduler, parked, cancellationToken).ConfigureAwait(false);
        if (resumed + waiting > 0) logger.LogInformation("Resumed {Count} unfinished run(s); {Waiting} wait parked for an event", resumed, waiting);
        PipelineTelemetryHooks.Observe(scheduler, parked);
        _background = Task.WhenAll(
            Task.Run(() => trigger.RunAsync(_stopping.Token), CancellationToken.None),
            Task.Run(() => parked.RunAsync(_stopping.Token), CancellationToken.None));
        // Batches that were ready before the host started get their runs before it reports started: otherwise a
        // submission right after start races the first scan, which may or may not see that batch yet.
        await trigger.FirstScan.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// After a restart: parked runs (waiting for an event with a deadline, no step left running) go back to <paramref name="parked"/>,
    /// to wake on their event or deadline; every other unfinished run is scheduled, oldest first.
    /// </summary>
    public static async Task<(int Resumed, int Parked)> ResumeAsync(IAsyncEnumerable<RunRecord> runs, RunScheduler scheduler, ParkedRuns parked, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var waiting = 0;
        var unfinished = new List<RunRecord>();
        await foreach (var run in runs.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (run.IsTerminal) continue;
            // A record without a wake time may come from a runner that was waiting (not parked) when it stopped: replaying
            // it once is cheap and parks it properly.
            if (run.Status == RunStatus.WaitingForEvent && run.WakeAt is not null && run.Steps.All(s => s.Succeeded is not null))
            {
                parked.Park(run);
                waiting++;
            }
            else
            {
                unfinished.Add(run);
            }
        }

        var resumed = 0;
        foreach (var run in unfinished.OrderBy(r => r.CreatedAt).ThenBy(r => r.InstanceId, StringComparer.Ordinal))
        {
            if (scheduler.Schedule(ScheduledRun.FromRecord(run))) resumed++;
        }
        return (resumed, waiting);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _background.WaitAsync(cancellationToken).ConfigureAwait(false);
        await scheduler.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();
}

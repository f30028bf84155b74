using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Pipeline.Hosting;

/// <summary>
/// Lets a service that reports created runs by id alone (<see cref="Service.AdaptationService"/>'s
/// <c>schedule</c> callback) feed an <see cref="IRunScheduler"/>: each run's project is read from its
/// record, and runs reach the scheduler in the order they were reported, without blocking the caller.
/// </summary>
public sealed class RunIdScheduler
{
    private readonly OrchestrationClient _runs;
    private readonly IRunScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Task _tail = Task.CompletedTask;

    public RunIdScheduler(OrchestrationClient runs, IRunScheduler scheduler, ILogger<RunIdScheduler>? logger = null)
    {
        _runs = runs ?? throw new ArgumentNullException(nameof(runs));
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _logger = logger ?? NullLogger<RunIdScheduler>.Instance;
    }

    /// <summary>Schedules the run after every run reported before it; finished or unknown runs are skipped.</summary>
    public void Schedule(string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        lock (_gate)
        {
            _tail = _tail.ContinueWith(_ => ScheduleAsync(runId), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>Completes when every run reported so far has reached the scheduler.</summary>
    public Task WhenScheduledAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _tail.WaitAsync(cancellationToken);
        }
    }

    private async Task ScheduleAsync(string runId)
    {
        try
        {
            var run = await _runs.GetStatusAsync(runId).ConfigureAwait(false);
            if (run is null)
            {
                _logger.LogWarning("Run {RunId} was reported for scheduling but has no record", runId);
            }
            else if (!run.IsTerminal)
            {
                _scheduler.Schedule(ScheduledRun.FromRecord(run));
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Run {RunId} could not be scheduled; it resumes at the next start", runId);
        }
    }
}

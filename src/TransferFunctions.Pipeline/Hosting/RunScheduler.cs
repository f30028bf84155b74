using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Pipeline.Hosting;

/// <summary>
/// Executes runs in this process: at most <see cref="RunSchedulerOptions.MaxConcurrentRuns"/> at
/// once, runs of one project strictly one after another in arrival order (so a project's promotions
/// never race), and each run at most once at a time however often it is scheduled.
/// </summary>
/// <remarks>
/// The scheduler knows nothing of the pipeline: it calls the delegate it was given with a run id
/// (the local host passes <c>runner.RunAsync(orchestrator, id, ct)</c>). Stopping it cancels the
/// executing runs, which the replay runner treats like a crash: they stay unfinished and
/// <see cref="ResumeUnfinishedAsync"/> picks them up at the next start.
/// </remarks>
public sealed class RunScheduler : IRunScheduler, IAsyncDisposable
{
    private readonly Func<string, CancellationToken, Task> _executeRun;
    private readonly RunSchedulerOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly LinkedList<ScheduledRun> _queue = new();
    private readonly Dictionary<string, ScheduledRun> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _executions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _busyProjects = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private bool _stopped;

    /// <param name="executeRun">Executes (or resumes) one run to its end; cancelling its token must stop it like a crash would.</param>
    /// <param name="options">Concurrency and retry settings.</param>
    /// <param name="logger">Where scheduling decisions and run failures are logged.</param>
    public RunScheduler(Func<string, CancellationToken, Task> executeRun, RunSchedulerOptions? options = null, ILogger<RunScheduler>? logger = null)
    {
        _executeRun = executeRun ?? throw new ArgumentNullException(nameof(executeRun));
        _options = (options ?? new RunSchedulerOptions()).Validate();
        _logger = logger ?? NullLogger<RunScheduler>.Instance;
    }

    /// <summary>The configured number of runs that may execute at once.</summary>
    public int MaxConcurrentRuns => _options.MaxConcurrentRuns;

    /// <summary>Runs executing and waiting right now.</summary>
    public RunSchedulerSnapshot Snapshot
    {
        get
        {
            lock (_gate)
            {
                return new RunSchedulerSnapshot(_running.Values.ToArray(), _queue.ToArray());
            }
        }
    }

    public bool Schedule(ScheduledRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        RunKeys.ValidateInstanceId(run.RunId);
        lock (_gate)
        {
            if (_stopped || _running.ContainsKey(run.RunId) || _queue.Any(q => q.RunId == run.RunId))
            {
                return false;
            }

            _queue.AddLast(run);
            _logger.LogDebug("Run {RunId} of project {Project} queued ({Queued} waiting, {Running} executing)", run.RunId, run.Project, _queue.Count, _running.Count);
            DispatchLocked();
            return true;
        }
    }

    /// <summary>
    /// Schedules every unfinished run among <paramref name="runs"/> (Pending, Running or waiting for
    /// an event), oldest first so each project's runs keep their order. Returns how many were queued.
    /// </summary>
    public async Task<int> ResumeUnfinishedAsync(IAsyncEnumerable<RunRecord> runs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var unfinished = new List<RunRecord>();
        await foreach (var run in runs.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!run.IsTerminal)
            {
                unfinished.Add(run);
            }
        }

        var queued = 0;
        foreach (var run in unfinished.OrderBy(r => r.CreatedAt).ThenBy(r => r.InstanceId, StringComparer.Ordinal))
        {
            if (Schedule(ScheduledRun.FromRecord(run)))
            {
                queued++;
                _logger.LogInformation("Resuming run {RunId} ({Status} when the host started)", run.InstanceId, run.Status);
            }
        }

        return queued;
    }

    /// <summary>
    /// Stops taking runs, drops the queue, cancels the executing runs and waits for them to stop.
    /// Unfinished runs stay unfinished in the store, to be resumed by the next start.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Task[] executions;
        lock (_gate)
        {
            _stopped = true;
            _queue.Clear();
            executions = _executions.Values.ToArray();
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(executions).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // A container may hold this instance under two service types and dispose it once for each.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private int _disposed;

    private void DispatchLocked()
    {
        var node = _queue.First;
        while (node is not null && _running.Count < _options.MaxConcurrentRuns && !_stopped)
        {
            var next = node.Next;
            var run = node.Value;
            if (run.Project is null || !_busyProjects.Contains(run.Project))
            {
                _queue.Remove(node);
                _running.Add(run.RunId, run);
                if (run.Project is not null)
                {
                    _busyProjects.Add(run.Project);
                }

                _executions.Add(run.RunId, Task.Run(() => ExecuteAsync(run)));
            }

            node = next;
        }
    }

    private async Task ExecuteAsync(ScheduledRun run)
    {
        var token = _stopping.Token;
        var streak = new RetryStreak(_options.ConflictRetryLimit, TimeProvider.System);
        try
        {
            while (true)
            {
                var attempt = streak.StartAttempt();
                try
                {
                    _logger.LogInformation("Executing run {RunId} of project {Project}", run.RunId, run.Project);
                    await _executeRun(run.RunId, token).ConfigureAwait(false);
                    return;
                }
                catch (Exception ex) when ((ex is RunConflictException or TimeoutException or IOException) && !token.IsCancellationRequested && streak.ShouldRetry(attempt))
                {
                    // Usually the lease of a process that crashed mid-run: it expires, then the run is ours. A store lock that
                    // timed out (its holder stalled, not dead: a stopped or swapped-out process) is as passing, and so is a
                    // store that did not answer (an IOException after its client's own retries): the run resumes from its
                    // journal once the store is back. The slot and the project stay held meanwhile so no later run of the
                    // project overtakes it.
                    _logger.LogInformation("Run {RunId} could not go on ({Message}); trying again in {Delay}", run.RunId, ex.Message, _options.ConflictRetryDelay);
                    await Task.Delay(_options.ConflictRetryDelay, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            _logger.LogInformation("Run {RunId} stopped with the host; it resumes at the next start", run.RunId);
        }
        catch (RunConflictException ex)
        {
            _logger.LogWarning("Leaving run {RunId} to the runner that holds it: {Message}", run.RunId, ex.Message);
        }
        catch (IOException ex)
        {
            _logger.LogError(ex, "Run {RunId} of project {Project} stopped: the store failed for longer than {Limit} ({Message}); it is left unfinished and resumes at the next start",
                run.RunId, run.Project, _options.ConflictRetryLimit, ex.Message);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Run {RunId} of project {Project} could not be executed", run.RunId, run.Project);
        }
        finally
        {
            lock (_gate)
            {
                _running.Remove(run.RunId);
                _executions.Remove(run.RunId);
                if (run.Project is not null)
                {
                    _busyProjects.Remove(run.Project);
                }

                DispatchLocked();
            }
        }
    }
}

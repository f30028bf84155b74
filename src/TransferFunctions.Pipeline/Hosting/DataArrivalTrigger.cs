using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Hosting;

/// <summary>
/// Starts exactly one adaptation run per batch when its <c>datasets/{project}/{batch}/_READY</c>
/// marker appears, however many file events arrive, in whatever order, and across restarts.
/// </summary>
/// <remarks>
/// <para>File events are only a nudge; the truth is a scan of the store. A scan lists the markers,
/// skips every batch that has a <see cref="BatchArrival"/> record, and submits the others with a
/// run id derived from (project, batch) (<see cref="ArrivalKeys.RunId"/>), which run creation
/// treats idempotently, then writes the record. A crash between the two steps resubmits the same
/// id, which finds the existing run: still one run. Lost events are covered by the periodic
/// rescan, duplicates by the record, and scans never overlap within a trigger.</para>
/// <para>On a <see cref="FileSystemObjectStore"/> a <see cref="FileSystemWatcher"/> gives low
/// latency; other stores (or a Functions blob trigger) call <see cref="Notify"/> or
/// <see cref="ScanAsync"/> themselves.</para>
/// </remarks>
public sealed class DataArrivalTrigger : IDisposable
{
    private readonly IObjectStore _store;
    private readonly IAdaptationService _service;
    private readonly DataArrivalTriggerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _scanGate = new(1, 1);
    private readonly Channel<bool> _nudges = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource _firstScan = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FileSystemWatcher? _watcher;

    public DataArrivalTrigger(IObjectStore store, IAdaptationService service, DataArrivalTriggerOptions? options = null, ILogger<DataArrivalTrigger>? logger = null, TimeProvider? timeProvider = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _service = service ?? throw new ArgumentNullException(nameof(service));
        _options = (options ?? new DataArrivalTriggerOptions()).Validate();
        _logger = logger ?? NullLogger<DataArrivalTrigger>.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Tells the trigger something may have arrived; it scans after <see cref="DataArrivalTriggerOptions.SettleDelay"/>. Cheap, any thread, any number of times.</summary>
    public void Notify() => _nudges.Writer.TryWrite(true);

    /// <summary>
    /// Completes when <see cref="RunAsync"/> has finished its first scan (successful or logged), so a host can start
    /// serving only once the batches that were ready before it started have their runs.
    /// </summary>
    public Task FirstScan => _firstScan.Task;

    /// <summary>
    /// Watches and scans until <paramref name="cancellationToken"/> is cancelled: one scan at once,
    /// then one after each burst of file events and one every <see cref="DataArrivalTriggerOptions.RescanInterval"/>.
    /// Scan failures are logged and retried at the next scan.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        StartWatching();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await ScanAndLogAsync(cancellationToken).ConfigureAwait(false);
                _firstScan.TrySetResult();
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(_options.RescanInterval);
                try
                {
                    await _nudges.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                    await Task.Delay(_options.SettleDelay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The rescan interval passed without events: scan anyway.
                }

                // Events that came while settling are covered by the scan about to run.
                while (_nudges.Reader.TryRead(out _))
                {
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _firstScan.TrySetCanceled(CancellationToken.None);
            StopWatching();
        }
    }

    /// <summary>
    /// Scans the arrival area once and starts a run for every ready batch not handled before.
    /// Returns the batches handled by this scan (runs started, or problems recorded).
    /// </summary>
    public async Task<IReadOnlyList<BatchArrival>> ScanAsync(CancellationToken cancellationToken = default)
    {
        await _scanGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var handled = new HashSet<(string, string)>();
            await foreach (var item in _store.ListAsync(ArrivalKeys.HandledRoot, cancellationToken).ConfigureAwait(false))
            {
                if (ArrivalKeys.TryParseHandled(item.Key, out var project, out var batch))
                {
                    handled.Add((project, batch));
                }
            }

            var ready = new List<ObjectProperties>();
            await foreach (var item in _store.ListAsync(ArrivalKeys.DatasetsRoot, cancellationToken).ConfigureAwait(false))
            {
                if (ArrivalKeys.TryParseMarker(item.Key, out var project, out var batch) && !handled.Contains((project, batch)))
                {
                    ready.Add(item);
                }
            }

            // First ready, first run: a project's runs are then scheduled in the order its batches arrived.
            var arrivals = new List<BatchArrival>();
            foreach (var marker in ready.OrderBy(m => m.LastModified).ThenBy(m => m.Key, StringComparer.Ordinal))
            {
                ArrivalKeys.TryParseMarker(marker.Key, out var project, out var batch);
                var arrival = await HandleAsync(project, batch, cancellationToken).ConfigureAwait(false);
                if (arrival is not null)
                {
                    arrivals.Add(arrival);
                }
            }

            return arrivals;
        }
        finally
        {
            _scanGate.Release();
        }
    }

    /// <summary>
    /// Handles the one batch an event reported (a Functions blob trigger on its marker): starts its run unless the
    /// batch was handled before. Returns its record, or null when nothing was recorded (handled earlier, by another
    /// trigger at the same moment, or a transient failure that the caller should retry).
    /// </summary>
    public async Task<BatchArrival?> HandleBatchAsync(string project, string batch, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(project);
        ArgumentException.ThrowIfNullOrEmpty(batch);
        await _scanGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await _store.GetPropertiesAsync(ArrivalKeys.Handled(project, batch), cancellationToken).ConfigureAwait(false) is not null)
            {
                return null;
            }

            return await HandleAsync(project, batch, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _scanGate.Release();
        }
    }

    public void Dispose()
    {
        StopWatching();
        _scanGate.Dispose();
    }

    private async Task<BatchArrival?> HandleAsync(string project, string batch, CancellationToken cancellationToken)
    {
        BatchArrival arrival;
        if (InvalidProjectName(project) is { } problem)
        {
            arrival = new BatchArrival(project, batch, null, _time.GetUtcNow(), $"{problem}; rename the folder datasets/{project}/.");
            _logger.LogWarning("Batch {Project}/{Batch} starts no run: {Problem}", project, batch, arrival.Problem);
        }
        else
        {
            var runId = ArrivalKeys.RunId(project, batch);
            try
            {
                var run = await _service.SubmitAsync(new AdaptationRequest(project, batch, RequestedBy: _options.RequestedBy), runId, cancellationToken).ConfigureAwait(false);
                arrival = new BatchArrival(project, batch, run.InstanceId, _time.GetUtcNow());
                _logger.LogInformation("Batch {Project}/{Batch} is ready: run {RunId}", project, batch, run.InstanceId);
            }
            catch (ArgumentException ex)
            {
                arrival = new BatchArrival(project, batch, null, _time.GetUtcNow(), ex.Message);
                _logger.LogWarning("Batch {Project}/{Batch} starts no run: {Problem}", project, batch, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Transient (I/O, a busy store): no record, so the next scan submits the same run id again.
                _logger.LogWarning(ex, "Batch {Project}/{Batch}: submitting its run failed; retrying at the next scan", project, batch);
                return null;
            }
        }

        try
        {
            await _store.WriteJsonAsync(ArrivalKeys.Handled(project, batch), arrival, WriteCondition.CreateOnly, cancellationToken).ConfigureAwait(false);
        }
        catch (PreconditionFailedException)
        {
            // Another trigger on the same store handled it at the same time; its run id is ours.
            return null;
        }

        return arrival;
    }

    private static string? InvalidProjectName(string project)
    {
        try
        {
            ProjectNames.Validate(project);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    private async Task ScanAndLogAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ScanAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Scanning {Root} for ready batches failed; retrying at the next scan", ArrivalKeys.DatasetsRoot);
        }
    }

    private void StartWatching()
    {
        if (!_options.WatchFileSystem || _store is not FileSystemObjectStore fileStore || _watcher is not null)
        {
            return;
        }

        var folder = fileStore.GetFullPath(ArrivalKeys.DatasetsRoot.TrimEnd('/'));
        Directory.CreateDirectory(folder);
        var watcher = new FileSystemWatcher(folder)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite,
        };
        watcher.Created += OnFileEvent;
        watcher.Changed += OnFileEvent;
        watcher.Renamed += OnFileEvent;
        watcher.Error += (_, e) =>
        {
            // Overflow or a lost watch: events are gone, so look at everything.
            _logger.LogWarning(e.GetException(), "The watcher on {Folder} lost events; scanning", folder);
            Notify();
        };
        watcher.EnableRaisingEvents = true;
        _watcher = watcher;
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        // Markers are what matter; a folder moved in whole may carry its marker inside (no event for it).
        if (Path.GetFileName(e.FullPath) == ArrivalKeys.ReadyMarker || Directory.Exists(e.FullPath))
        {
            Notify();
        }
    }

    private void StopWatching()
    {
        var watcher = Interlocked.Exchange(ref _watcher, null);
        watcher?.Dispose();
    }
}

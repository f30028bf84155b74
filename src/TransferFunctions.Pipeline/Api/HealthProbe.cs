using System.Diagnostics;
using Microsoft.Extensions.Options;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Api;

/// <summary>Measures what <see cref="HealthReport"/> reports: one real store read, and the scheduler's snapshot when this host has one.</summary>
public sealed class HealthProbe(IObjectStore store, IOptions<StoreOptions> storeOptions, RunScheduler? scheduler = null, ParkedRuns? parked = null)
{
    /// <summary>A key no one writes: reading it proves the store answers without depending on content.</summary>
    private const string ProbeKey = "health/probe.json";

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        string? error = null;
        try
        {
            await store.GetPropertiesAsync(ProbeKey, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            error = $"{ex.GetType().Name}: {ex.Message}";
        }
        var storeHealth = new StoreHealth(storeOptions.Value.Kind, error is null, Math.Round(watch.Elapsed.TotalMilliseconds, 2), error);
        SchedulerHealth? schedulerHealth = null;
        if (scheduler is not null)
        {
            var snapshot = scheduler.Snapshot;
            schedulerHealth = new SchedulerHealth(scheduler.MaxConcurrentRuns, snapshot.Running.Count, snapshot.Queued.Count, parked?.Count ?? 0);
        }
        return new HealthReport(error is null ? "ok" : "unhealthy", storeHealth, schedulerHealth);
    }
}

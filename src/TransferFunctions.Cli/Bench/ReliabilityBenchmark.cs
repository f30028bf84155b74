using System.Diagnostics;
using System.Text.Json.Nodes;
using TransferFunctions.Cli.Bench.Reliability;

namespace TransferFunctions.Cli.Bench;

/// <summary>
/// <c>bench reliability</c>: the process-fault scenarios (<see cref="ProcessFaultScenarios"/>), the bad-input catalog
/// (<see cref="BadInputCatalog"/>) and the load scenario (<see cref="ReliabilityLoad"/>), summed up in one JSON line:
/// runs lost and duplicate versions over faults and load, status latency and peak memory from the load. The load starts
/// first and alone; once its status latency is measured, the fault scenarios and the catalog run beside its remaining
/// runs, <see cref="Settings.Parallel"/> at a time. Every phase logs its time and the load average.
/// </summary>
public static class ReliabilityBenchmark
{
    /// <param name="Scenarios">Fault scenarios to run (null: all).</param>
    /// <param name="BadInputs">Whether to run the bad-input catalog.</param>
    /// <param name="Repository">The repository root (for the catalog's test projects); null: found above the working folder.</param>
    /// <param name="Load">Whether to run the load scenario (<see cref="ReliabilityLoad"/>, its defaults).</param>
    /// <param name="Parallel">Fault scenarios run side by side (each has its own store and processes).</param>
    public sealed record Settings(IReadOnlyList<string>? Scenarios = null, bool BadInputs = true, string? Repository = null, bool Load = true, int Parallel = DefaultParallel);

    /// <summary>
    /// Fault scenarios at once by default. They spend most of their time waiting (for a held step, a lease to expire, a host
    /// to start), and contention makes their faults harder to survive, not easier, so running them side by side proves as much.
    /// </summary>
    public const int DefaultParallel = 3;

    /// <summary>The load average (1, 5, 15 minutes) from <c>/proc/loadavg</c>, for every figure the bench logs.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static async Task<JsonObject> RunAsync(Settings settings, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Parallel, 1);
        log = TextWriter.Synchronized(log);
        var work = Path.Combine(Path.GetTempPath(), "tf-bench-reliability-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        var watch = Stopwatch.StartNew();
        try
        {
            // The load goes first, alone, until its status bursts are measured; the fault scenarios and the catalog then share
            // the machine with its remaining runs (harder for both, and the bench ends sooner).
            Task<ReliabilityLoadResult>? loading = null;
            if (settings.Load)
            {
                log.WriteLine($"[bench reliability] load: batches across projects within a minute, concurrent status requests while runs train; load average {LoadAverage()} ...");
                var measured = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                loading = ReliabilityLoad.RunAsync(new ReliabilityLoadOptions { Log = log, StatusMeasured = () => measured.TrySetResult() }, cancellationToken);
                await Task.WhenAny(measured.Task, loading);
                log.WriteLine($"[bench reliability] load: status measured after {watch.Elapsed.TotalMinutes:F1} min; its runs go on beside the fault scenarios");
            }

            var names = settings.Scenarios ?? ProcessFaultScenarios.All;
            log.WriteLine($"[bench reliability] {names.Count} fault scenarios{(settings.BadInputs ? " and the bad-input catalog" : "")}, {settings.Parallel} at a time; load average {LoadAverage()}");
            using var lanes = new SemaphoreSlim(settings.Parallel);
            async Task<T> InLaneAsync<T>(Func<Task<T>> job)
            {
                await lanes.WaitAsync(cancellationToken);
                try
                {
                    return await job();
                }
                finally
                {
                    lanes.Release();
                }
            }

            // The catalog (two dotnet test runs) is the longest job: it takes a lane first.
            var catalog = settings.BadInputs ? InLaneAsync<BadInputCatalog.Result?>(async () =>
            {
                var repository = settings.Repository ?? BadInputCatalog.FindRepository(Directory.GetCurrentDirectory())
                    ?? throw new InvalidOperationException("the bad-input catalog lives in the repository's tests: run from the repository (./tf bench reliability) or pass --repository");
                var badWatch = Stopwatch.StartNew();
                var result = await BadInputCatalog.RunAsync(repository, work, log, cancellationToken);
                log.WriteLine($"[bench reliability] bad inputs: {result.Handled} of {result.Tried} handled in {badWatch.Elapsed.TotalSeconds:F0}s (load average {LoadAverage()}){(result.Failed.Count > 0 ? "; not handled: " + string.Join(", ", result.Failed) : "")}");
                return result;
            }) : Task.FromResult<BadInputCatalog.Result?>(null);
            var results = await Task.WhenAll(names.Select(name => InLaneAsync(async () =>
            {
                log.WriteLine($"[bench reliability] {name} ...");
                var result = await ProcessFaultScenarios.RunAsync(name, work, log, cancellationToken);
                log.WriteLine($"[bench reliability] {(result.Survived ? "survived" : "FAILED")} {name} in {result.Seconds:F1}s (load average {LoadAverage()}): {result.Detail}");
                return result;
            })));
            var bad = await catalog;
            log.WriteLine($"[bench reliability] faults: {results.Count(r => r.Survived)} of {results.Length} survived, catalog done, in {watch.Elapsed.TotalMinutes:F1} min; " +
                $"slowest {string.Join(", ", results.OrderByDescending(r => r.Seconds).Take(3).Select(r => $"{r.Name} {r.Seconds:F0}s"))}");

            ReliabilityLoadResult? load = null;
            if (loading is not null)
            {
                load = await loading;
                log.WriteLine($"[bench reliability] load: {load.RunsCompleted} of {load.BatchesDelivered} runs completed in {load.Seconds:F0}s, {load.RunsLost} lost, {load.DuplicateVersions} duplicate versions, "
                    + $"status p50 {load.StatusP50Ms:F1} ms, p99 {load.StatusP99Ms:F1} ms, peak RSS {load.PeakRssMb:F0} MB, promotions serialized: {load.PromotionsSerialized} (load average {LoadAverage()})");
            }

            log.WriteLine($"[bench reliability] done in {watch.Elapsed.TotalMinutes:F1} min (load average {LoadAverage()})");
            return new JsonObject
            {
                ["faults_tried"] = results.Length,
                ["faults_survived"] = results.Count(r => r.Survived),
                ["runs_lost"] = results.Sum(r => r.RunsLost) + (load?.RunsLost ?? 0),
                ["duplicate_versions"] = results.Sum(r => r.DuplicateVersions) + (load?.DuplicateVersions ?? 0),
                ["bad_inputs_tried"] = bad?.Tried,
                ["bad_inputs_handled"] = bad?.Handled,
                ["status_p50_ms"] = load is null ? null : Math.Round(load.StatusP50Ms, 2),
                ["status_p99_ms"] = load is null ? null : Math.Round(load.StatusP99Ms, 2),
                ["peak_rss_mb"] = load is null ? null : Math.Round(load.PeakRssMb, 1),
            };
        }
        finally
        {
            try
            {
                if (Environment.GetEnvironmentVariable("TF_BENCH_KEEP") != "1") Directory.Delete(work, recursive: true);
                else log.WriteLine($"[bench reliability] kept {work}");
            }
            catch (IOException)
            {
            }
        }
    }
}

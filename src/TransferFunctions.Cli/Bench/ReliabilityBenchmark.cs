using System.Diagnostics;
using System.Text.Json.Nodes;
using TransferFunctions.Cli.Bench.Reliability;

namespace TransferFunctions.Cli.Bench;

/// <summary>
/// <c>bench reliability</c>: the process-fault scenarios (<see cref="ProcessFaultScenarios"/>), the bad-input catalog
/// (<see cref="BadInputCatalog"/>) and the load scenario, summed up in one JSON line.
/// </summary>
public static class ReliabilityBenchmark
{
    /// <param name="Scenarios">Fault scenarios to run (null: all).</param>
    /// <param name="BadInputs">Whether to run the bad-input catalog.</param>
    /// <param name="Repository">The repository root (for the catalog's test projects); null: found above the working folder.</param>
    public sealed record Settings(IReadOnlyList<string>? Scenarios = null, bool BadInputs = true, string? Repository = null);

    public static async Task<JsonObject> RunAsync(Settings settings, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var work = Path.Combine(Path.GetTempPath(), "tf-bench-reliability-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        var watch = Stopwatch.StartNew();
        try
        {
            var results = new List<FaultScenarioResult>();
            foreach (var name in settings.Scenarios ?? ProcessFaultScenarios.All)
            {
                log.WriteLine($"[bench reliability] {name} ...");
                var result = await ProcessFaultScenarios.RunAsync(name, work, log, cancellationToken);
                results.Add(result);
                log.WriteLine($"[bench reliability] {(result.Survived ? "survived" : "FAILED")} {name} in {result.Seconds:F1}s: {result.Detail}");
            }

            BadInputCatalog.Result? bad = null;
            if (settings.BadInputs)
            {
                var repository = settings.Repository ?? BadInputCatalog.FindRepository(Directory.GetCurrentDirectory())
                    ?? throw new InvalidOperationException("the bad-input catalog lives in the repository's tests: run from the repository (./tf bench reliability) or pass --repository");
                bad = await BadInputCatalog.RunAsync(repository, work, log, cancellationToken);
                log.WriteLine($"[bench reliability] bad inputs: {bad.Handled} of {bad.Tried} handled{(bad.Failed.Count > 0 ? "; not handled: " + string.Join(", ", bad.Failed) : "")}");
            }

            // The load scenario (status latency, resident memory) is the guard's ReliabilityLoad; until it lands these stay null.
            log.WriteLine($"[bench reliability] done in {watch.Elapsed.TotalMinutes:F1} min");
            return new JsonObject
            {
                ["faults_tried"] = results.Count,
                ["faults_survived"] = results.Count(r => r.Survived),
                ["runs_lost"] = results.Sum(r => r.RunsLost),
                ["duplicate_versions"] = results.Sum(r => r.DuplicateVersions),
                ["bad_inputs_tried"] = bad?.Tried,
                ["bad_inputs_handled"] = bad?.Handled,
                ["status_p50_ms"] = null,
                ["status_p99_ms"] = null,
                ["peak_rss_mb"] = null,
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

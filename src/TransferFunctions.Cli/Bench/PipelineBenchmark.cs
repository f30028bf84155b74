using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TransferFunctions.Learning.Data;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Bench;

/// <summary>
/// `bench pipeline`: one AdaptModel run end to end on a fresh store; compute is the time spent inside
/// step handlers, overhead everything else (orchestration, journaling, run records, serialization).
/// </summary>
public static class PipelineBenchmark
{
    public sealed record Settings(int PerClass = 50, int Steps = 200, string Strategy = "fine-tune");

    public static async Task<JsonObject> RunAsync(Settings s, TextWriter log, CancellationToken ct)
    {
        var root = Path.Combine(Path.GetTempPath(), "tf-bench-pipeline-" + Guid.NewGuid().ToString("N"));
        try
        {
            var batches = await FashionMnistTargetBatches.LoadAsync(ct);
            await batches.DeliverAsync(root, "bench", "b1", s.PerClass, 0, ct);
            await using var pipeline = await Hosting.LocalPipeline.StartAsync(root, ct, configureServices: services =>
                services.AddSingleton<IStepExecutor>(sp => new TimedStepExecutor(sp.GetRequiredService<PipelineSteps>().CreateInProcessExecutor())));
            var service = pipeline.Service;
            var timed = (TimedStepExecutor)pipeline.Services.GetRequiredService<IStepExecutor>();
            await service.SubmitAsync(new AdaptationRequest("bench", "b1", s.Strategy, Steps: s.Steps), "bench-run", ct);
            log.WriteLine($"[bench pipeline] one run: {s.PerClass} labels/class, strategy {s.Strategy}, {s.Steps} steps...");
            var watch = Stopwatch.StartNew();
            var run = await service.RunAsync("bench-run", ct);
            var runSeconds = watch.Elapsed.TotalSeconds;
            if (run.Status != RunStatus.Completed) throw new InvalidOperationException($"the benchmark run ended {run.Status}: {run.Failure?.Message}");
            var compute = timed.Seconds;
            var overhead = runSeconds - compute;
            foreach (var (name, seconds) in timed.PerStep) log.WriteLine($"[bench pipeline]   {name,-18} {seconds,7:F2}s");
            var outcome = run.Output is { } o && o.TryGetProperty("outcome", out var oc) ? oc.GetString() : null;
            return new JsonObject
            {
                ["run_s"] = Math.Round(runSeconds, 3),
                ["compute_s"] = Math.Round(compute, 3),
                ["overhead_s"] = Math.Round(overhead, 3),
                ["overhead_pct"] = Math.Round(100 * overhead / runSeconds, 2),
                ["target_met"] = overhead <= Math.Max(1.0, 0.03 * runSeconds),
                ["outcome"] = outcome,
                ["steps"] = timed.PerStep.Count,
            };
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// Times the handlers themselves. Compute is the union of the intervals in which some step was
    /// executing, so fanned-out steps that overlap (or queue for the compute gate) are not counted twice.
    /// </summary>
    private sealed class TimedStepExecutor(IStepExecutor inner) : IStepExecutor
    {
        private readonly object _gate = new();
        private readonly List<(double Start, double End)> _intervals = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        public List<(string Name, double Seconds)> PerStep { get; } = new();

        public double Seconds
        {
            get
            {
                double total = 0, end = double.NegativeInfinity;
                foreach (var (s, e) in _intervals.OrderBy(i => i.Start))
                {
                    if (e <= end) continue;
                    total += e - Math.Max(s, end);
                    end = e;
                }
                return total;
            }
        }

        public async Task<JsonElement> ExecuteAsync(StepInvocation invocation, CancellationToken cancellationToken)
        {
            var start = _clock.Elapsed.TotalSeconds;
            var result = await inner.ExecuteAsync(invocation, cancellationToken);
            var end = _clock.Elapsed.TotalSeconds;
            lock (_gate)
            {
                PerStep.Add((invocation.StepName, end - start));
                _intervals.Add((start, end));
            }
            return result;
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using TransferFunctions.Learning.Data;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Promotion;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Bench;

/// <summary>
/// Issue 11's load scenario against a real <c>transfer serve</c> process on loopback over a fresh store: batches of
/// real images (Fashion-MNIST 5–9) land in several projects' arrival areas within a minute, as users would drop them;
/// every run must finish, each project's runs (hence its promotions) must not overlap in time, no version may be
/// registered twice, and a burst of concurrent status requests sent while runs train must all be answered. The server's
/// resident memory is sampled throughout.
/// </summary>
public static class ReliabilityLoad
{
    /// <summary>Project names are <c>load-0</c>, <c>load-1</c>, …</summary>
    public const string ProjectPrefix = "load-";

    /// <summary>
    /// The gate promotes whenever the candidate is no worse than the champion: this scenario measures how runs and
    /// promotions are held in order under load, not model quality (the learning and pipeline tests prove that).
    /// </summary>
    public static readonly PromotionPolicy LoadPolicy = PromotionPolicy.Default with
    {
        MinImprovement = -1, MaxPValue = 1.01, MaxClassRegression = 1, MinGainOverScratch = -1,
        FirstModelMustBeatLinearProbe = false, MinTestExamplesPerClass = 0, RetentionFloor = 0,
    };

    private static readonly TimeSpan SamplePeriod = TimeSpan.FromMilliseconds(250);

    public static async Task<ReliabilityLoadResult> RunAsync(ReliabilityLoadOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var log = options.Log;
        // This process is the load generator: batch delivery encodes images on pool threads, and the burst's 200
        // continuations must not wait for the pool to grow, or the client would time itself.
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (workers < Serve.ServeHost.MinWorkerThreads) ThreadPool.SetMinThreads(Serve.ServeHost.MinWorkerThreads, completionPorts);
        var temporary = options.StoreRoot is null ? Path.Combine(Path.GetTempPath(), "tf-reliability-load-" + Guid.NewGuid().ToString("N")) : null;
        var root = Path.GetFullPath(options.StoreRoot ?? Path.Combine(temporary!, "store"));
        var logs = options.LogDirectory ?? Path.Combine(temporary ?? Path.GetDirectoryName(root)!, "logs");
        try
        {
            var data = await FashionMnistTargetBatches.LoadAsync(ct);
            var store = new FileSystemObjectStore(root);
            var projects = Enumerable.Range(0, options.Projects).Select(p => ProjectPrefix + p.ToString(CultureInfo.InvariantCulture)).ToArray();
            foreach (var project in projects)
                await store.WriteJsonAsync(ProjectSettings.KeyOf(project), new ProjectSettings("fine-tune", options.Steps, Policy: LoadPolicy), WriteCondition.Always, ct);

            var total = Stopwatch.StartNew();
            await using var server = await ServeProcess.StartAsync(root, logs,
                ["--max-concurrent-runs", options.MaxConcurrentRuns.ToString(CultureInfo.InvariantCulture), "--rescan-seconds", "5"],
                options.Environment, cancellationToken: ct);
            log.WriteLine($"[load] transfer serve (pid {server.ProcessId}) on {server.BaseAddress}, store {root}");
            using var http = server.CreateClient();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var memory = SampleMemoryAsync(server, stop.Token);

            var batches = Enumerable.Range(0, options.Batches)
                .Select(i => (Project: projects[i % projects.Length], Batch: $"b{i / projects.Length + 1:D2}", Offset: i / projects.Length * options.PerClass))
                .ToArray();
            var expected = batches.Select(b => ArrivalKeys.RunId(b.Project, b.Batch)).ToArray();
            var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var burst = StatusBurstAsync(http, expected, options.StatusRequests, delivered.Task, log, stop.Token);
            _ = burst.ContinueWith(_ => options.StatusMeasured?.Invoke(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

            var arrival = Stopwatch.StartNew();
            var spacing = options.Batches > 1 ? options.ArrivalWindow / (options.Batches - 1) : TimeSpan.Zero;
            double lastArrival = 0;
            for (var i = 0; i < batches.Length; i++)
            {
                var due = spacing * i - arrival.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due, ct);
                await data.DeliverAsync(root, batches[i].Project, batches[i].Batch, options.PerClass, batches[i].Offset, ct, options.HoldoutPerClass);
                lastArrival = arrival.Elapsed.TotalSeconds;
            }

            delivered.SetResult();
            log.WriteLine($"[load] {batches.Length} batches across {projects.Length} projects delivered in {lastArrival:F1} s");
            var finished = await WaitForRunsAsync(http, expected, options.Deadline, log, ct);
            var status = await burst;
            // The same burst with nothing training: what the status path costs on this machine by itself.
            var (_, idle) = await SendBurstAsync(http, expected, options.StatusRequests, ct);
            log.WriteLine($"[load] the same burst with no run training: p50 {Percentile(idle, 0.50):F1} ms, p99 {Percentile(idle, 0.99):F1} ms");
            await stop.CancelAsync();
            var sampled = await memory;
            var hwm = server.ResidentMemoryMb()?.Peak ?? 0;
            await server.StopAsync();
            var seconds = total.Elapsed.TotalSeconds;

            var serverPeak = Math.Max(sampled.Server, hwm);
            return await SummarizeAsync(store, projects, expected, finished, status, Percentile(idle, 0.99), serverPeak, Math.Max(serverPeak, sampled.Total), batches.Length, lastArrival, seconds, log, ct);
        }
        finally
        {
            if (temporary is not null)
            {
                try
                {
                    Directory.Delete(temporary, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private sealed record Burst(int Sent, int Answered, int Training, double P50, double P99, double Max, double FirstP50, double FirstP99);

    /// <summary>
    /// Waits until every batch is delivered (writing them encodes images in this process, whose pauses would be timed
    /// as the server's) and runs are training (a run inside <c>adapt</c> or <c>train-scratch</c>, with at least two runs known), then
    /// sends <paramref name="requests"/> status requests at once, twice: first over new connections (each pays its TCP
    /// connect), then over the connections the first burst left open, as clients that poll keep them. Each is timed to its last byte.
    /// </summary>
    private static async Task<Burst> StatusBurstAsync(HttpClient http, IReadOnlyList<string> ids, int requests, Task delivered, TextWriter log, CancellationToken ct)
    {
        await delivered.WaitAsync(ct);
        IReadOnlyList<RunRecord> runs;
        while (true)
        {
            runs = await ListRunsAsync(http, ct);
            if (runs.Count >= Math.Min(2, ids.Count) && runs.Any(IsTraining)) break;
            // Everything ended before training was seen (a tiny scenario on a fast machine): measure anyway, and say so.
            if (runs.Count(r => r.IsTerminal && ids.Contains(r.InstanceId)) == ids.Count) break;
            await Task.Delay(200, ct);
        }

        var known = runs.Select(r => r.InstanceId).ToArray();
        var training = runs.Count(IsTraining);
        // Warm the route once (JIT), as any long-running host is.
        using (await http.GetAsync($"/api/adaptations/{known[0]}", ct)) { }

        var (firstAnswered, first) = await SendBurstAsync(http, known, requests, ct);
        var (answered, open) = await SendBurstAsync(http, known, requests, ct);
        var burst = new Burst(2 * requests, firstAnswered + answered, training, Percentile(open, 0.50), Percentile(open, 0.99), open[^1], Percentile(first, 0.50), Percentile(first, 0.99));
        log.WriteLine($"[load] {requests} concurrent status requests while {training} run(s) trained: {burst.Answered}/{burst.Sent} answered; " +
            $"open connections p50 {burst.P50:F1} ms, p99 {burst.P99:F1} ms, max {burst.Max:F1} ms; new connections p50 {burst.FirstP50:F1} ms, p99 {burst.FirstP99:F1} ms");
        return burst;
    }

    /// <summary>Sends <paramref name="requests"/> status requests at the same moment; returns how many were answered right and the latencies, ascending.</summary>
    private static async Task<(int Answered, double[] Sorted)> SendBurstAsync(HttpClient http, IReadOnlyList<string> ids, int requests, CancellationToken ct)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, requests).Select(async i =>
        {
            var id = ids[i % ids.Count];
            await go.Task;
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync($"/api/adaptations/{id}", ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var elapsed = watch.Elapsed.TotalMilliseconds;
            return (Ok: response.StatusCode == HttpStatusCode.OK && body.Contains(id, StringComparison.Ordinal), Ms: elapsed);
        }).ToArray();
        go.SetResult();
        var results = await Task.WhenAll(calls);
        return (results.Count(r => r.Ok), results.Select(r => r.Ms).Order().ToArray());
    }

    private static bool IsTraining(RunRecord run) =>
        run.Steps.Any(s => s.CompletedAt is null && s.Name is StepNames.Adapt or StepNames.TrainScratch);

    /// <summary>Nearest-rank percentile of ascending <paramref name="sorted"/>.</summary>
    private static double Percentile(double[] sorted, double p) =>
        Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 2);

    /// <summary>Polls the API until every expected run is terminal or the deadline passes; returns the finished ids.</summary>
    private static async Task<HashSet<string>> WaitForRunsAsync(HttpClient http, IReadOnlyList<string> expected, TimeSpan deadline, TextWriter log, CancellationToken ct)
    {
        var until = Stopwatch.StartNew();
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var lastReport = TimeSpan.Zero;
        while (true)
        {
            var runs = await ListRunsAsync(http, ct);
            finished = runs.Where(r => r.IsTerminal).Select(r => r.InstanceId).Where(expected.Contains).ToHashSet(StringComparer.Ordinal);
            if (finished.Count == expected.Count || until.Elapsed > deadline) return finished;
            if (until.Elapsed - lastReport > TimeSpan.FromSeconds(30))
            {
                lastReport = until.Elapsed;
                log.WriteLine($"[load] {finished.Count}/{expected.Count} runs finished, {runs.Count(r => !r.IsTerminal)} unfinished ({until.Elapsed.TotalSeconds:F0} s after the last arrival)");
            }

            await Task.Delay(1000, ct);
        }
    }

    private static async Task<IReadOnlyList<RunRecord>> ListRunsAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.GetAsync("/api/adaptations", ct);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        return await JsonSerializer.DeserializeAsync<List<RunRecord>>(body, Pipeline.Api.ApiBodies.ResponseOptions, ct) ?? [];
    }

    /// <summary>
    /// Samples the server's resident memory and, at the same instant, its step processes' (the compute steps run in
    /// children by default): the peak of the server alone, and of the server and its step processes together.
    /// </summary>
    private static async Task<(double Server, double Total)> SampleMemoryAsync(ServeProcess server, CancellationToken ct)
    {
        double peak = 0, total = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (server.ResidentMemoryMb() is { } mb)
                {
                    peak = Math.Max(peak, Math.Max(mb.Current, mb.Peak));
                    total = Math.Max(total, mb.Current + Reliability.StepChildProcesses.ChildrenOf(server.ProcessId).Sum(c => c.ResidentMb));
                }

                await Task.Delay(SamplePeriod, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }

        return (peak, total);
    }

    /// <summary>Reads the store the server left (run records, registry, champion aliases) and checks the guarantees.</summary>
    private static async Task<ReliabilityLoadResult> SummarizeAsync(IObjectStore store, IReadOnlyList<string> projects, IReadOnlyList<string> expected, HashSet<string> finished,
        Burst burst, double idleP99, double serverPeakRss, double peakRss, int delivered, double arrivalSeconds, double seconds, TextWriter log, CancellationToken ct)
    {
        var client = new OrchestrationClient(store);
        var registry = new ModelRegistry(store);
        var runs = new Dictionary<string, RunRecord>(StringComparer.Ordinal);
        await foreach (var run in client.ListRunsAsync(ct)) runs[run.InstanceId] = run;

        var failures = new List<string>();
        foreach (var id in expected)
        {
            if (!runs.TryGetValue(id, out var run)) failures.Add($"{id}: no run record");
            else if (run.Status != RunStatus.Completed) failures.Add($"{id}: {run.Status}{(run.Failure is null ? "" : " - " + run.Failure.Message)}");
        }

        var violations = new List<string>();
        var versions = 0;
        var duplicates = 0;
        foreach (var project in projects)
        {
            var ofProject = runs.Values
                .Where(r => r.Input is { } input && input.TryGetProperty("project", out var p) && p.GetString() == project && r.Steps.Count > 0)
                .Select(r => (r.InstanceId, Start: r.Steps.Min(s => s.StartedAt), End: r.Steps.Max(s => s.CompletedAt ?? DateTimeOffset.MaxValue)))
                .OrderBy(r => r.Start)
                .ToList();
            for (var i = 1; i < ofProject.Count; i++)
            {
                if (ofProject[i].Start < ofProject[i - 1].End)
                    violations.Add($"{project}: run {ofProject[i].InstanceId} started at {ofProject[i].Start:HH:mm:ss.fff} before run {ofProject[i - 1].InstanceId} ended at {ofProject[i - 1].End:HH:mm:ss.fff}");
            }

            var cards = await registry.ListVersionsAsync(project, ct);
            versions += cards.Count;
            duplicates += cards.Count - cards.Select(c => c.RunId).Distinct(StringComparer.Ordinal).Count();
            duplicates += cards.Count - cards.Select(c => c.Version).Distinct().Count();
            foreach (var card in cards)
            {
                // Each version is registered inside its own run's promote step: that step's window holds the card's creation.
                var promote = card.RunId is { } rid && runs.TryGetValue(rid, out var owner) ? owner.Steps.LastOrDefault(s => s.Name == StepNames.Promote) : null;
                if (promote is null) violations.Add($"{project}: v{card.Version} names run {card.RunId}, which has no promote step");
                else if (card.CreatedAt < promote.StartedAt || card.CreatedAt > (promote.CompletedAt ?? DateTimeOffset.MaxValue))
                    violations.Add($"{project}: v{card.Version} was registered at {card.CreatedAt:HH:mm:ss.fff}, outside its run's promote step");
            }

            if (await registry.GetChampionAsync(project, ct) is { } champion)
            {
                var order = champion.Value.History.Select(h => h.Version).Append(champion.Value.Version).ToArray();
                if (!order.Zip(order.Skip(1)).All(pair => pair.First < pair.Second))
                    violations.Add($"{project}: champion history out of order ({string.Join(" → ", order.Select(v => "v" + v))})");
            }
        }

        var lost = expected.Count(id => !finished.Contains(id) && !(runs.TryGetValue(id, out var r) && r.IsTerminal));
        var result = new ReliabilityLoadResult(delivered, Math.Round(arrivalSeconds, 1), expected.Count - lost, expected.Count(id => runs.TryGetValue(id, out var r) && r.Status == RunStatus.Completed),
            lost, versions, duplicates, violations.Count == 0, violations, burst.Sent, burst.Answered, burst.Training, burst.P50, burst.P99, burst.Max, burst.FirstP50, burst.FirstP99, idleP99,
            Math.Round(peakRss, 1), Math.Round(serverPeakRss, 1), Math.Round(seconds, 1), failures);
        log.WriteLine($"[load] runs finished {result.RunsFinished}/{expected.Count} (completed {result.RunsCompleted}), lost {lost}, versions {versions}, duplicates {duplicates}, " +
            $"serialized {result.PromotionsSerialized}, peak RSS {result.PeakRssMb} MiB (server and its step processes; server alone {result.PeakServerRssMb} MiB), {result.Seconds} s");
        // Where the time went: each step's total and mean over the runs (steps of concurrent runs overlap).
        var timings = runs.Values.Where(r => expected.Contains(r.InstanceId)).SelectMany(r => r.Steps).Where(st => st.CompletedAt is not null)
            .GroupBy(st => st.Name).Select(g => (Step: g.Key, Count: g.Count(), Total: g.Sum(st => (st.CompletedAt!.Value - st.StartedAt).TotalSeconds)))
            .OrderByDescending(t => t.Total);
        log.WriteLine("[load] step time over the runs: " + string.Join(", ", timings.Select(t => $"{t.Step} {t.Total:F0} s ({t.Count}×, mean {t.Total / t.Count:F1} s)")));
        foreach (var line in violations.Concat(failures)) log.WriteLine("[load]   " + line);
        return result;
    }
}

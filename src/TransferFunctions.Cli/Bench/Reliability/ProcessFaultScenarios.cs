using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using TransferFunctions.Cli.Hosting;
using TransferFunctions.Learning.Data;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Promotion;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Bench.Reliability;

/// <summary>
/// Process faults against real processes on loopback: <c>transfer serve</c> killed (<c>kill -9</c>) during each kind of
/// step and restarted on the same store; step child processes killed or over a memory limit; a disk that fills while a
/// version is published; a corrupt run record; two promotions racing for one project; a host frozen past its lease.
/// Each scenario works in its own store with small data and budgets, checks its expectations on the store afterwards
/// (exactly once, no duplicate version, champion consistent, no temporary files left) and says what it saw.
/// Used by <c>transfer bench reliability</c> (all of them) and by the CLI tests (a representative few).
/// </summary>
public static class ProcessFaultScenarios
{
    public const string Project = "faults";

    /// <summary>The <c>kill -9</c> scenarios: name, the step held, and whether it is held before or after its work.</summary>
    private static readonly (string Name, string Step, bool After)[] Kills =
    [
        ("kill-serve-during-validate", StepNames.Validate, false),
        ("kill-serve-during-extract-features", StepNames.ExtractFeatures, true),
        ("kill-serve-during-adapt", StepNames.Adapt, true),
        ("kill-serve-during-train-scratch", StepNames.TrainScratch, false),
        ("kill-serve-during-evaluate", StepNames.Evaluate, true),
        ("kill-serve-during-promote", StepNames.Promote, true),
        ("kill-serve-during-report", StepNames.Report, false),
    ];

    public const string KillWhileAwaitingApproval = "kill-serve-while-awaiting-approval";
    public const string ChildCrashRetried = "step-child-killed-once-is-retried";
    public const string ChildCrashBound = "step-child-killed-every-attempt-fails-the-run";
    public const string ChildMemoryLimit = "step-child-over-memory-limit-fails-the-run";
    public const string PublishDiskFull = "disk-full-while-publishing-a-version";
    public const string CorruptRunRecord = "corrupt-run-record-fails-only-that-run";
    public const string PromotionRace = "two-promotions-race-for-one-project";
    public const string LeaseExpiresMidRun = "host-frozen-past-its-lease-stops-before-promoting";

    /// <summary>Every scenario, in the order the bench runs them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        .. Kills.Select(k => k.Name), KillWhileAwaitingApproval, ChildCrashRetried, ChildCrashBound, ChildMemoryLimit, PublishDiskFull, CorruptRunRecord, PromotionRace,
        LeaseExpiresMidRun,
    ];

    /// <summary>Training budget of every run (optimizer steps of candidate and scratch alike).</summary>
    private const int TrainingSteps = 10;

    private const int PerClass = 10;

    /// <summary>
    /// How long a scenario waits for a run to reach a state. Generous: with three scenarios and the load's runs side by side
    /// on a loaded machine, every compute step pays a process start, and a run still progressing (kill at validate: at
    /// evaluate after 5 min, load average 45) is slow, not lost.
    /// </summary>
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(12);

    /// <summary>The gate must let a tiny run promote: what is tested here is that promotion happens exactly once, not model quality (the load scenario's policy).</summary>
    private static readonly PromotionPolicy Lenient = ReliabilityLoad.LoadPolicy;

    /// <summary>Short leases and polls, so a successor takes over a killed host's runs within seconds.</summary>
    private static Dictionary<string, string> HostSettings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["Runner:LeaseDuration"] = "00:00:03",
            ["Runner:PollInterval"] = "00:00:00.100",
            ["Scheduler:ConflictRetryDelay"] = "00:00:00.250",
            ["Scheduler:MaxConcurrentRuns"] = "2",
            ["Trigger:RescanInterval"] = "00:00:02",
            ["Trigger:WatchFileSystem"] = "false",
            ["Steps:FirstRetryInterval"] = "00:00:00.500",
            ["Steps:MaxAttempts"] = "3",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    private static (string, string)[] Hold(string step, bool after, TimeSpan? pauseFor = null) =>
    [
        (after ? "Pipeline:Faults:PauseAfterStep" : "Pipeline:Faults:PauseBeforeStep", step),
        ("Pipeline:Faults:PauseFor", (pauseFor ?? TimeSpan.FromMinutes(2)).ToString("c", CultureInfo.InvariantCulture)),
    ];

    /// <summary>Runs one scenario in a fresh store under <paramref name="workRoot"/> (deleted afterwards); never throws for a failed expectation.</summary>
    public static async Task<FaultScenarioResult> RunAsync(string name, string workRoot, TextWriter log, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetFullPath(workRoot), name);
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        Directory.CreateDirectory(Path.Combine(root, "store"));
        // The store in store/, each host's output beside it in serve-N/ (kept with TF_BENCH_KEEP=1).
        var lab = new Lab(name, Path.Combine(root, "store"), root, log, cancellationToken);
        var watch = Stopwatch.StartNew();
        try
        {
            var kill = Kills.FirstOrDefault(k => k.Name == name);
            var (_, duplicates, detail) = kill.Name is not null ? await KillDuringStepAsync(lab, kill.Step, kill.After)
                : name switch
                {
                    KillWhileAwaitingApproval => await KillWhileAwaitingApprovalAsync(lab),
                    ChildCrashRetried => await ChildCrashRetriedAsync(lab),
                    ChildCrashBound => await ChildCrashBoundAsync(lab),
                    ChildMemoryLimit => await ChildMemoryLimitAsync(lab),
                    PublishDiskFull => await PublishDiskFullAsync(lab),
                    CorruptRunRecord => await CorruptRunRecordAsync(lab),
                    PromotionRace => await PromotionRaceAsync(lab),
                    LeaseExpiresMidRun => await LeaseExpiresMidRunAsync(lab),
                    _ => throw new ArgumentException($"no fault scenario '{name}': use one of {string.Join(", ", All)}", nameof(name)),
                };
            return new FaultScenarioResult(name, true, await lab.CountLostAsync(), duplicates, watch.Elapsed.TotalSeconds, detail);
        }
        catch (ScenarioFailedException ex)
        {
            return new FaultScenarioResult(name, false, await lab.CountLostAsync(), ex.DuplicateVersions, watch.Elapsed.TotalSeconds, ex.Message);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or IOException or HttpRequestException or JsonException or InvalidDataException)
        {
            return new FaultScenarioResult(name, false, await lab.CountLostAsync(), 0, watch.Elapsed.TotalSeconds, $"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            await lab.DisposeAsync();
            try
            {
                // TF_BENCH_KEEP=1 keeps each scenario's store and the hosts' logs for inspection.
                if (Environment.GetEnvironmentVariable("TF_BENCH_KEEP") != "1") Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<(int, int, string)> KillDuringStepAsync(Lab lab, string step, bool after)
    {
        var run = await lab.PrepareAsync();
        var first = await lab.StartServeAsync(Hold(step, after));
        await first.WaitForOutputAsync($"{FaultInjectingStepExecutor.HoldingMessage} {step} of run {run}", RunTimeout, lab.Ct);
        await lab.WaitForAsync(run, r => r.Steps.Any(s => s.Name == step && s.CompletedAt is null), $"run.json shows step {step} running");
        lab.Log($"step {step} held and shown running in run.json");
        await first.KillAsync();
        lab.Log($"killed serve (pid {first.ProcessId}) with step {step} running ({(after ? "its work done, not yet journaled" : "before its work")})");
        await lab.StartServeAsync();
        var final = await lab.WaitForEndAsync(run);
        var versions = await lab.ExpectPromotedOnceAsync(run, final);
        await lab.ExpectNoTemporaryFilesAsync(run);
        return (0, 0, $"serve killed during {step} ({(after ? "after its work" : "before its work")}), restarted: run completed once, promoted v{versions}, champion consistent, no temporary files");
    }

    private static async Task<(int, int, string)> KillWhileAwaitingApprovalAsync(Lab lab)
    {
        var run = await lab.PrepareAsync(policy: Lenient with { RequireApproval = true });
        var first = await lab.StartServeAsync();
        await lab.WaitForAsync(run, r => r.Status == RunStatus.WaitingForEvent, "the run awaits approval");
        await first.KillAsync();
        var second = await lab.StartServeAsync();
        // Restarted, the run is still waiting: nothing promoted it without the approval.
        await Task.Delay(TimeSpan.FromSeconds(2), lab.Ct);
        var waiting = await lab.RecordAsync(run);
        lab.Expect(waiting.Status == RunStatus.WaitingForEvent, $"after the restart the run still awaits approval (it is {waiting.Status})");
        lab.Expect((await lab.Registry.GetChampionAsync(Project, lab.Ct)) is null, "no champion before the approval");
        var status = await lab.PostAsync(second, $"/api/adaptations/{run}/approve");
        lab.Expect(status == 202, $"approve answered 202 (it answered {status})");
        var final = await lab.WaitForEndAsync(run);
        var version = await lab.ExpectPromotedOnceAsync(run, final);
        await lab.ExpectNoTemporaryFilesAsync(run);
        return (0, 0, $"serve killed while the run awaited approval, restarted: still waiting, approved, promoted v{version} once");
    }

    private static async Task<(int, int, string)> ChildCrashRetriedAsync(Lab lab)
    {
        var run = await lab.PrepareAsync();
        var serve = await lab.StartServeAsync([("Steps:Isolation", "child-process")]);
        var killed = await lab.KillStepChildAsync(StepNames.Adapt);
        var final = await lab.WaitForEndAsync(run);
        var version = await lab.ExpectPromotedOnceAsync(run, final);
        lab.Expect(serve.OutputLines().Any(l => l.Contains("child process killed by signal 9", StringComparison.Ordinal) && l.Contains("retrying", StringComparison.Ordinal)),
            "serve logged the crash and the retry");
        await lab.ExpectNoTemporaryFilesAsync(run);
        return (0, 0, $"adapt's child process (pid {killed}) killed with SIGKILL: retried after a backoff, run promoted v{version} once");
    }

    private static async Task<(int, int, string)> ChildCrashBoundAsync(Lab lab)
    {
        var run = await lab.PrepareAsync(expectCompletion: false);
        await lab.StartServeAsync([("Steps:Isolation", "child-process")]);
        for (var attempt = 1; attempt <= 3; attempt++) await lab.KillStepChildAsync(StepNames.Adapt);
        var final = await lab.WaitForEndAsync(run);
        var reason = final.Failure?.Message ?? "";
        lab.Expect(final.Status == RunStatus.Failed, $"the run failed (it is {final.Status})");
        lab.Expect(reason.Contains("step 'adapt' failed in its child process 3 time(s), giving up", StringComparison.Ordinal) && reason.Contains("killed by signal 9", StringComparison.Ordinal),
            $"the failure gives the step, the attempts and the signal (it says: {reason})");
        await lab.ExpectNothingPublishedAsync();
        return (0, 0, $"adapt's child killed on each of 3 attempts: run failed with \"{Short(reason)}\", nothing published");
    }

    private static async Task<(int, int, string)> ChildMemoryLimitAsync(Lab lab)
    {
        var run = await lab.PrepareAsync(expectCompletion: false);
        // A step process (the .NET runtime and the step's data) needs far more than 40 MB resident: each attempt goes over.
        await lab.StartServeAsync([("Steps:Isolation", "child-process"), ("Steps:MemoryLimitMb", "40")]);
        var final = await lab.WaitForEndAsync(run);
        var reason = final.Failure?.Message ?? "";
        lab.Expect(final.Status == RunStatus.Failed, $"the run failed (it is {final.Status})");
        lab.Expect(Regex.Matches(reason, "exceeded the memory limit of 40 MB").Count == 3 && reason.Contains("3 time(s), giving up", StringComparison.Ordinal),
            $"the failure names the limit on each of 3 attempts (it says: {reason})");
        await lab.ExpectNothingPublishedAsync();
        return (0, 0, $"step child over a 40 MB resident limit: killed by the parent, retried 3 times, run failed with \"{Short(reason)}\"");
    }

    private static async Task<(int, int, string)> PublishDiskFullAsync(Lab lab)
    {
        await lab.PrepareAsync(expectCompletion: false);
        var failing = new Regex(@"^models/[^/]+/v\d+/weights\.safetensors$", RegexOptions.CultureInvariant);
        FailingWritesObjectStore? store = null;
        await using (var pipeline = await LocalPipeline.StartAsync(lab.Root, lab.Ct, settings: new Dictionary<string, string?> { ["Runner:PollInterval"] = "00:00:00.100" },
            configureServices: s => s.AddSingleton<IObjectStore>(store = new FailingWritesObjectStore(new FileSystemObjectStore(lab.Root), failing, failures: 1))))
        {
            var first = await pipeline.Service.SubmitAsync(lab.Request(), "disk-full", lab.Ct);
            var failed = await pipeline.Service.RunAsync(first.InstanceId, lab.Ct);
            lab.Expect(store!.Failed == 1, $"the weights write failed once (it failed {store.Failed} times)");
            lab.Expect(failed.Status == RunStatus.Failed && failed.Failure?.Message.Contains("No space left on device", StringComparison.Ordinal) == true,
                $"the run failed naming the write error (it is {failed.Status}: {failed.Failure?.Message})");
            await lab.ExpectNothingPublishedAsync();
            lab.Expect(File.Exists(Path.Combine(lab.Root, "models", Project, "v1", "claim.json")) || Directory.Exists(Path.Combine(lab.Root, "models", Project, "v1")),
                "the failed publication left only its claimed number behind");

            // Space is back: the next run publishes a whole version, numbered after the abandoned one.
            var second = await pipeline.Service.SubmitAsync(lab.Request(), "after-disk-full", lab.Ct);
            lab.Submitted.Add(second.InstanceId);
            var done = await pipeline.Service.RunAsync(second.InstanceId, lab.Ct);
            var version = await lab.ExpectPromotedOnceAsync(second.InstanceId, done);
            var visible = await lab.Registry.ListVersionsAsync(Project, lab.Ct);
            lab.Expect(visible.Count == 1, $"only the complete version is visible (visible: {string.Join(", ", visible.Select(v => "v" + v.Version))})");
            return (0, 0, $"weights write failed with ENOSPC mid-publish: run failed with the reason, no version visible; the next run published v{version}, the only visible one");
        }
    }

    private static async Task<(int, int, string)> CorruptRunRecordAsync(Lab lab)
    {
        string[] projects = ["alpha", "bravo", "charlie"];
        var runs = new List<string>();
        foreach (var p in projects) runs.Add(await lab.PrepareAsync(p));
        var first = await lab.StartServeAsync(Hold(StepNames.Validate, after: false));
        foreach (var run in runs) await lab.WaitForAsync(run, _ => true, $"the trigger submitted run {run}");
        await first.WaitForOutputAsync(FaultInjectingStepExecutor.HoldingMessage, RunTimeout, lab.Ct);
        await first.KillAsync();
        var damaged = runs[1];
        await File.WriteAllTextAsync(Path.Combine(lab.Root, "runs", damaged, "run.json"), "{\"instanceId\": \"" + damaged + "\", \"status\": \"Runn", lab.Ct);
        var second = await lab.StartServeAsync();
        var completed = 0;
        foreach (var run in runs.Where(r => r != damaged))
        {
            var final = await lab.WaitForEndAsync(run);
            if (final.Status == RunStatus.Completed) completed++;
            lab.Expect(final.Status == RunStatus.Completed, $"run {run} completed (it is {final.Status}: {final.Failure?.Message})");
        }

        var (status, body) = await lab.GetAsync(second, $"/api/adaptations/{damaged}");
        lab.Expect(status == 200 && body.Contains("\"Failed\"", StringComparison.Ordinal) && body.Contains("CorruptRunRecord", StringComparison.Ordinal),
            $"the damaged run is shown Failed with the reason (GET answered {status}: {Short(body)})");
        var (listStatus, list) = await lab.GetAsync(second, "/api/adaptations");
        lab.Expect(listStatus == 200 && runs.All(r => list.Contains(r, StringComparison.Ordinal)), $"the run list still answers with every run (it answered {listStatus})");
        lab.Submitted.Remove(damaged);
        return (runs.Count - 1 - completed, 0, $"run.json of one of 3 runs truncated while serve was down: serve started, the other 2 completed, the damaged one reads Failed (CorruptRunRecord)");
    }

    private static async Task<(int, int, string)> PromotionRaceAsync(Lab lab)
    {
        // A holds its decision for approval (parked, it holds nothing); B of the same project arrives and promotes meanwhile.
        var a = await lab.PrepareAsync(batch: "b1", policy: Lenient with { RequireApproval = true });
        var serve = await lab.StartServeAsync();
        await lab.WaitForAsync(a, r => r.Status == RunStatus.WaitingForEvent, "run A awaits approval");
        var b = await lab.PrepareAsync(batch: "b2", offset: PerClass);
        var bFinal = await lab.WaitForEndAsync(b);
        var bVersion = await lab.ExpectPromotedOnceAsync(b, bFinal);
        // A is approved against the champion it was evaluated with (none): its move must fail, and it must re-evaluate against B's.
        await lab.PostAsync(serve, $"/api/adaptations/{a}/approve");
        await lab.WaitForAsync(a, r => r.IsTerminal || (r.Status == RunStatus.WaitingForEvent && r.Steps.Count(s => s.Name == StepNames.Evaluate) == 2), "run A re-evaluated and awaits approval again");
        var evaluations = (await lab.RecordAsync(a)).Steps.Count(s => s.Name == StepNames.Evaluate);
        lab.Expect(evaluations == 2, $"run A evaluated twice, the second time against the new champion (it evaluated {evaluations} times)");
        await lab.PostAsync(serve, $"/api/adaptations/{a}/approve");
        var aFinal = await lab.WaitForEndAsync(a);
        var journal = await lab.Runs.GetJournalAsync(a, lab.Ct);
        var secondEvaluation = journal!.Entries.Where(e => e.Name == StepNames.Evaluate && e.Kind == JournalEntryKind.StepCompleted).Last().Output!.Value;
        var against = secondEvaluation.TryGetProperty("championVersion", out var cv) && cv.ValueKind == JsonValueKind.Number ? cv.GetInt32() : (int?)null;
        lab.Expect(against == bVersion, $"run A's second evaluation was against B's v{bVersion} (it was against {against?.ToString(CultureInfo.InvariantCulture) ?? "none"})");
        var aVersion = await lab.ExpectPromotedOnceAsync(a, aFinal);
        var champion = (await lab.Registry.GetChampionAsync(Project, lab.Ct))!.Value;
        lab.Expect(champion.History.Select(h => h.Version).SequenceEqual([bVersion]), $"the champion moved exactly twice: B's v{bVersion}, then A's v{aVersion} (history: {string.Join(", ", champion.History.Select(h => "v" + h.Version))})");
        return (0, 0, $"A (awaiting approval, evaluated against no champion) and B raced: B won with v{bVersion}, A's move was refused, A re-evaluated against v{bVersion} and then promoted v{aVersion}");
    }

    private static async Task<(int, int, string)> LeaseExpiresMidRunAsync(Lab lab)
    {
        var run = await lab.PrepareAsync();
        var stale = await lab.StartServeAsync(Hold(StepNames.Evaluate, after: true, TimeSpan.FromSeconds(5)));
        await stale.WaitForOutputAsync($"{FaultInjectingStepExecutor.HoldingMessage} {StepNames.Evaluate} of run {run}", RunTimeout, lab.Ct);
        await stale.FreezeAsync();
        lab.Log($"froze serve (pid {stale.ProcessId}) holding evaluate's result; its 3 s leases expire");
        // The successor takes the run over once the leases expire, and is held just before its own evaluate.
        var successor = await lab.StartServeAsync(Hold(StepNames.Evaluate, after: false, TimeSpan.FromSeconds(8)));
        bool tookOver;
        try
        {
            await successor.WaitForOutputAsync($"{FaultInjectingStepExecutor.HoldingMessage} {StepNames.Evaluate} of run {run}", TimeSpan.FromSeconds(90), lab.Ct);
            tookOver = true;
        }
        catch (TimeoutException)
        {
            // Frozen in the instant it held a store lock file (renewing a lease): a live holder's lock is not broken, so
            // the successor waits; once thawed, whichever holds the leases finishes the run.
            tookOver = false;
        }

        await stale.ThawAsync();
        lab.Log(tookOver ? "thawed the stale serve while the successor holds the run" : "the successor could not take over (the frozen serve held a lock file): thawed it");
        var final = await lab.WaitForEndAsync(run);
        await Task.Delay(TimeSpan.FromSeconds(2), lab.Ct);
        var stalePromoted = stale.OutputLines().Any(l => l.Contains($"step {StepNames.Promote} #", StringComparison.Ordinal) && l.Contains("started", StringComparison.Ordinal));
        lab.Expect(!tookOver || !stalePromoted, $"the stale serve never started promote after the successor took over (its last lines: {string.Join(" | ", stale.OutputLines().TakeLast(6))})");
        var version = await lab.ExpectPromotedOnceAsync(run, final);
        await lab.ExpectNoTemporaryFilesAsync(run);
        return (0, 0, tookOver
            ? $"serve frozen past its lease mid-run, a successor took over, the thawed one stopped before promoting; run promoted v{version} once"
            : $"serve frozen past its lease while holding a store lock file: the successor waited, the run promoted v{version} once after the thaw");
    }

    private static string Short(string text) => text.Length <= 220 ? text : text[..220] + "…";

    /// <summary>A scenario's store, its serve processes and its checks.</summary>
    private sealed class Lab(string name, string root, string logs, TextWriter log, CancellationToken ct) : IAsyncDisposable
    {
        private static readonly Lazy<Task<FashionMnistTargetBatches>> Batches = new(() => FashionMnistTargetBatches.LoadAsync(CancellationToken.None));
        private readonly string _logs = logs;
        private readonly List<ServeProcess> _serves = [];
        private readonly List<HttpClient> _clients = [];
        private readonly FileSystemObjectStore _store = new(root);
        private readonly List<string> _failures = [];

        public string Root { get; } = root;

        public CancellationToken Ct { get; } = ct;

        public List<string> Submitted { get; } = [];

        public ModelRegistry Registry => new(_store);

        public OrchestrationClient Runs => new(_store);

        private readonly Stopwatch _clock = Stopwatch.StartNew();

        /// <summary>A progress line, named for the scenario (scenarios may run side by side) and timed from its start.</summary>
        public void Log(string line) => log.WriteLine($"[bench reliability]   {name} {_clock.Elapsed.TotalSeconds,6:F1}s {line}");

        public AdaptationRequest Request(PromotionPolicy? policy = null, string project = Project, string batch = "b1") =>
            new(project, batch, "fine-tune", Policy: policy ?? Lenient, RequestedBy: "fault-bench", Steps: TrainingSteps);

        /// <summary>
        /// Stores the project's settings (small budget, <paramref name="policy"/>) and delivers a batch with its <c>_READY</c>
        /// marker: the data-arrival trigger of a running (or the next started) serve submits its run. Returns that run's id.
        /// </summary>
        public async Task<string> PrepareAsync(string project = Project, string batch = "b1", int offset = 0, PromotionPolicy? policy = null, bool expectCompletion = true)
        {
            await _store.WriteJsonAsync(ProjectSettings.KeyOf(project), new ProjectSettings("fine-tune", TrainingSteps, Policy: policy ?? Lenient), WriteCondition.Always, Ct);
            await (await Batches.Value).DeliverAsync(Root, project, batch, PerClass, offset, Ct, holdoutPerClass: 4);
            var run = ArrivalKeys.RunId(project, batch);
            if (expectCompletion) Submitted.Add(run);
            return run;
        }

        public async Task<ServeProcess> StartServeAsync(params (string Key, string Value)[] settings)
        {
            var environment = HostSettings(settings).ToDictionary(e => "TF_" + e.Key.Replace(":", "__", StringComparison.Ordinal), e => e.Value);
            var serve = await ServeProcess.StartAsync(Root, Path.Combine(_logs, $"serve-{_serves.Count + 1}"), environment: environment, cancellationToken: Ct);
            _serves.Add(serve);
            _clients.Add(serve.CreateClient(TimeSpan.FromSeconds(60)));
            Log($"serve started (pid {serve.ProcessId}){(settings.Length > 0 ? " with " + string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}")) : "")}");
            return serve;
        }

        public async Task<RunRecord> RecordAsync(string run) => await Runs.GetStatusAsync(run, Ct) ?? throw new InvalidOperationException($"run {run} has no record");

        public async Task WaitForAsync(string run, Func<RunRecord, bool> condition, string what)
        {
            var deadline = DateTime.UtcNow + RunTimeout;
            while (true)
            {
                // The trigger submits a delivered batch's run shortly after serve starts: no record yet is "not yet".
                var record = await Runs.GetStatusAsync(run, Ct);
                if (record is not null && condition(record)) return;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"timed out waiting until {what}: run {run} is {(record is null ? "not submitted" : $"{record.Status} ({record.CustomStatus})")}");
                await Task.Delay(100, Ct);
            }
        }

        public async Task<RunRecord> WaitForEndAsync(string run)
        {
            await WaitForAsync(run, r => r.IsTerminal, $"run {run} ends");
            var final = await RecordAsync(run);
            Log($"run {run} ended {final.Status}");
            return final;
        }

        /// <summary>Waits for the next child process of <paramref name="step"/> and kills it with SIGKILL; returns its pid.</summary>
        public async Task<int> KillStepChildAsync(string step)
        {
            var deadline = DateTime.UtcNow + RunTimeout;
            while (true)
            {
                if (StepChildProcesses.Find(step, Root) is [var pid, ..])
                {
                    // Let it get going (runtime up, data read) so it dies mid-work, not at birth.
                    await Task.Delay(TimeSpan.FromMilliseconds(700), Ct);
                    await ServeProcess.SignalAsync(pid, "KILL");
                    Log($"killed the {step} child process (pid {pid}) with SIGKILL");
                    while (StepChildProcesses.Find(step, Root).Contains(pid)) await Task.Delay(20, Ct);
                    return pid;
                }

                if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {step} child process appeared within {RunTimeout}");
                await Task.Delay(20, Ct);
            }
        }

        public void Expect(bool condition, string what)
        {
            if (!condition) _failures.Add(what);
        }

        /// <summary>The run completed, promoted, with exactly one version of its own that is the champion (or was, before a later run's); returns that version.</summary>
        public async Task<int> ExpectPromotedOnceAsync(string run, RunRecord final)
        {
            var outcome = final.Output is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("outcome", out var v) ? v.GetString() : null;
            Expect(final.Status == RunStatus.Completed && outcome == "promoted", $"run {run} completed promoted (it is {final.Status}, {outcome ?? final.Failure?.Message})");
            var mine = (await Registry.ListVersionsAsync(final.Input is { } i ? ProjectOf(i) : Project, Ct)).Where(c => c.RunId == run).ToList();
            var duplicates = Math.Max(0, mine.Count - 1);
            Expect(mine.Count == 1, $"run {run} registered exactly one version (it registered {mine.Count})");
            var champion = await Registry.GetChampionAsync(final.Input is { } j ? ProjectOf(j) : Project, Ct);
            var version = mine.FirstOrDefault()?.Version ?? 0;
            Expect(champion is not null && (await Registry.GetAsync(champion.Value.ModelName, champion.Value.Version, Ct)) is not null,
                "the champion points at a complete version");
            Expect(champion is not null && (champion.Value.Version == version || champion.Value.History.Any(h => h.Version == version)),
                $"run {run}'s v{version} is or was the champion (champion: v{champion?.Value.Version})");
            ThrowIfFailed(duplicates);
            return version;
        }

        public async Task ExpectNothingPublishedAsync()
        {
            Expect((await Registry.ListVersionsAsync(Project, Ct)).Count == 0, "no model version is visible");
            Expect(await Registry.GetChampionAsync(Project, Ct) is null, "no champion");
            ThrowIfFailed(0);
        }

        /// <summary>
        /// Once every host still running has stopped (a live writer's temporary file is not an orphan), no temporary file is
        /// left in the store and the run's local scratch folder is gone.
        /// </summary>
        public async Task ExpectNoTemporaryFilesAsync(string run)
        {
            foreach (var serve in _serves.Where(s => !s.HasExited)) await serve.StopAsync(TimeSpan.FromSeconds(60));
            var temporary = Directory.EnumerateFiles(Root, ObjectKey.ReservedSegmentPrefix + "-tmp-*", SearchOption.AllDirectories).ToList();
            Expect(temporary.Count == 0, $"no temporary files in the store (found {string.Join(", ", temporary.Select(f => Path.GetRelativePath(Root, f)))})");
            var work = Path.Combine(Root, ObjectKey.ReservedSegmentPrefix + "-work", run);
            Expect(!Directory.Exists(work), $"the run's scratch folder {Path.GetRelativePath(Root, work)} is gone");
            ThrowIfFailed(0);
        }

        /// <summary>Runs that should have completed and have not (no record, or not Completed).</summary>
        public async Task<int> CountLostAsync()
        {
            var lost = 0;
            foreach (var run in Submitted)
            {
                if ((await Runs.GetStatusAsync(run, CancellationToken.None))?.Status != RunStatus.Completed) lost++;
            }

            return lost;
        }

        private static string ProjectOf(JsonElement input) => input.TryGetProperty("project", out var p) ? p.GetString() ?? Project : Project;

        private void ThrowIfFailed(int duplicates)
        {
            if (_failures.Count > 0 || duplicates > 0) throw new ScenarioFailedException(string.Join("; ", _failures), duplicates);
        }

        /// <summary>POSTs an empty JSON body to a route of <paramref name="serve"/>; returns the status code.</summary>
        public async Task<int> PostAsync(ServeProcess serve, string path)
        {
            using var body = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            using var response = await _clients[_serves.IndexOf(serve)].PostAsync(path, body, Ct);
            return (int)response.StatusCode;
        }

        /// <summary>GETs a route of <paramref name="serve"/>; returns the status code and body.</summary>
        public async Task<(int Status, string Body)> GetAsync(ServeProcess serve, string path)
        {
            using var response = await _clients[_serves.IndexOf(serve)].GetAsync(path, Ct);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var client in _clients) client.Dispose();
            foreach (var serve in _serves)
            {
                // A frozen host must run again to stop; one that was killed is already gone.
                if (!serve.HasExited) await serve.ThawAsync();
                await serve.DisposeAsync();
            }
        }
    }

    private sealed class ScenarioFailedException(string message, int duplicateVersions) : Exception(message)
    {
        public int DuplicateVersions { get; } = duplicateVersions;
    }
}

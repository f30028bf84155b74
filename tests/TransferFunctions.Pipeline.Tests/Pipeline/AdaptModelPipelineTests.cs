using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TransferFunctions.Learning.Models;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Promotion;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;
using Xunit.Abstractions;

namespace TransferFunctions.Pipeline.Tests.Pipeline;

/// <summary>The whole AdaptModel pipeline on real data, real libtorch and a real store.</summary>
[Collection(PipelineCollection.Name)]
public sealed class AdaptModelPipelineTests(TargetBatches batches, ITestOutputHelper output) : IDisposable
{
    private const string Project = "shoes";
    private const int Steps = 150;
    private static CancellationToken Ct => CancellationToken.None;
    private readonly TemporaryFolder _folder = new();

    private readonly List<ServiceProvider> _providers = [];

    /// <summary>The service and steps as the hosts' composition root builds them over the test's store.</summary>
    private (AdaptationService Service, PipelineSteps Steps) Create(Func<IServiceProvider, IStepExecutor>? executor = null, Action<IServiceCollection>? configure = null)
    {
        var provider = CoreServices.Build(_folder.Path, executor, configure: configure);
        _providers.Add(provider);
        return (provider.GetRequiredService<AdaptationService>(), provider.GetRequiredService<PipelineSteps>());
    }

    private static AdaptationRequest Request(string batch, int steps = Steps) => new(Project, batch, "fine-tune", Steps: steps);

    /// <summary>Replays only need equal results, not good ones: a small budget keeps them quick.</summary>
    private const int ReplaySteps = 30;

    private static AdaptationResult Result(RunRecord run) =>
        StoreJson.FromElement<AdaptationResult>(run.Output ?? throw new InvalidOperationException($"run {run.InstanceId} has no output ({run.Status}: {run.Failure?.Message})"), "output")!;

    /// <summary>
    /// Learning quality is proven in the learning tests; here the quality rules are relaxed so the run
    /// must promote, and the test checks what promotion does: version, champion, card, report.
    /// </summary>
    private static readonly PromotionPolicy Lenient = PromotionPolicy.Default with
    {
        MinGainOverScratch = -1, FirstModelMustBeatLinearProbe = false, MinTestExamplesPerClass = 0, RetentionFloor = 0,
    };

    [Fact]
    public async Task First_batch_promotes_a_first_model_with_lineage_and_a_report()
    {
        await batches.DeliverAsync(_folder.Path, Project, "b1", perClass: 40);
        var (service, steps) = Create();
        var spans = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == TransferFunctions.Pipeline.Observability.PipelineTelemetry.Name,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        var created = await service.SubmitAsync(Request("b1", ReplaySteps) with { Policy = Lenient }, "first-model-run", Ct);
        var run = await service.RunAsync(created.InstanceId, Ct);

        Assert.Equal(RunStatus.Completed, run.Status);
        var result = Result(run);
        Assert.True(result.Outcome == "promoted", $"{result.Outcome}: {string.Join("; ", result.Reasons)}");
        Assert.Equal(1, result.Version);
        var scratchRule = Assert.Single(result.Decision!.Verdicts, v => v.Rule == "beats-scratch");
        Assert.Equal(result.CandidateAccuracy!.Value - scratchRule.Numbers["scratch_accuracy"], scratchRule.Numbers["gain"], 9);
        // The lenient policy does not ask for the probe baseline, so its step does not run.
        Assert.Equal(StepNames.All.Where(s => s != StepNames.ProbeBaseline).Order(StringComparer.Ordinal), run.Steps.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, ".tfstore-work", "first-model-run")), "the batches' local copy outlived the run");

        var champion = await steps.Registry.GetChampionAsync(Project, Ct);
        Assert.Equal(1, champion!.Value.Version);
        var card = (await steps.Registry.GetAsync(Project, 1, Ct))!;
        Assert.Equal("first-model-run", card.RunId);
        Assert.Equal("fine-tune", card.Strategy);
        Assert.NotNull(card.BaseModel);
        Assert.Equal(ModelPackage.Digest(File.ReadAllBytes(Path.Combine(new PipelineOptions().EmbeddedBaseDirectory, ModelPackage.WeightsFile))), card.BaseModel!.WeightsDigest);
        Assert.Equal(result.CandidateAccuracy!.Value, card.Metrics["test_accuracy"], 9);
        Assert.False(string.IsNullOrEmpty(card.DatasetDigest));
        Assert.False(string.IsNullOrEmpty(card.License));

        // Training spans carry the run's split sizes (what the model was trained, validated and will be tested on).
        using (var prepared = PreparedTensors.Deserialize(await File.ReadAllBytesAsync(Path.Combine(_folder.Path, "runs", "first-model-run", "prepared", "dataset.safetensors"), Ct), "prepared"))
        {
            var expected = (prepared.Inputs("train").size(0), prepared.Inputs("validation").size(0), prepared.Inputs("test").size(0));
            Assert.True(expected.Item1 > 0 && expected.Item3 > 0, $"splits {expected}");
            foreach (var step in new[] { StepNames.Adapt, StepNames.TrainScratch })
            {
                var span = Assert.Single(spans, a => (string?)a.GetTagItem("tf.run") == "first-model-run" && (string?)a.GetTagItem("tf.step") == step);
                Assert.Equal(expected, ((long)span.GetTagItem("tf.examples.train")!, (long)span.GetTagItem("tf.examples.validation")!, (long)span.GetTagItem("tf.examples.test")!));
                Assert.Equal(expected.Item1 + expected.Item2 + expected.Item3, (long)span.GetTagItem("tf.examples")!);
            }

            // The host asks for "auto" (no Engine:Device); the compute spans say what that became on this machine.
            foreach (var step in new[] { StepNames.ExtractFeatures, StepNames.Adapt, StepNames.TrainScratch })
            {
                var span = Assert.Single(spans, a => (string?)a.GetTagItem("tf.run") == "first-model-run" && (string?)a.GetTagItem("tf.step") == step);
                Assert.Equal("cpu", span.GetTagItem("tf.device"));
            }
        }

        var html = await File.ReadAllTextAsync(Path.Combine(_folder.Path, "runs", "first-model-run", "report.html"), Ct);
        Assert.Contains("promoted", html);
        Assert.Contains("<svg", html);
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(_folder.Path, "runs", "first-model-run", "report.json"), Ct));
        Assert.Equal("promoted", json.RootElement.GetProperty("outcome").GetString());
    }

    /// <summary>
    /// In a run that has a champion, evaluate scores three different models: each role's per-example results are its own
    /// staged (or registered) weights' predictions, re-scored here in a fresh load. Guards the demo's exact candidate–scratch
    /// ties (91.51% vs 91.51%) against an evaluation that scores one model twice: those were real ties of different models.
    /// </summary>
    [Fact]
    public async Task Run_with_a_champion_evaluates_candidate_scratch_and_champion_each_from_its_own_weights()
    {
        await batches.DeliverAsync(_folder.Path, Project, "b1", perClass: 20, holdoutPerClass: 20);
        var (first, _, firstPrepared) = await RunToEndAsync(Request("b1", ReplaySteps) with { Policy = Lenient }, "champion-run-1");
        firstPrepared?.Dispose();
        Assert.True(first.Outcome == "promoted", $"{first.Outcome}: {string.Join("; ", first.Reasons)}");
        await batches.DeliverAsync(_folder.Path, Project, "b2", perClass: 20, offset: 20);
        var (second, steps, prepared) = await RunToEndAsync(Request("b2", ReplaySteps) with { Policy = Lenient }, "champion-run-2");
        using var _ = prepared;
        Assert.True(second.ChampionAccuracy is not null, $"run 2 was not judged against the champion: {second.Outcome}: {string.Join("; ", second.Reasons)}");

        using var report = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(_folder.Path, "runs", "champion-run-2", "report.json"), Ct));
        var evidence = report.RootElement.GetProperty("evaluation").GetProperty("evidence");
        // Per-example feature cache: run 2 extracted only b2's examples; b1's came from the cache run 1 filled.
        using var firstReport = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(_folder.Path, "runs", "champion-run-1", "report.json"), Ct));
        var firstFeatures = firstReport.RootElement.GetProperty("features");
        var features = report.RootElement.GetProperty("features");
        var firstExamples = firstFeatures.GetProperty("examplesComputed").GetInt32();
        Assert.Equal(0, firstFeatures.GetProperty("examplesCached").GetInt32());
        Assert.Equal(firstExamples, features.GetProperty("examplesCached").GetInt32());
        Assert.Equal(prepared!.Inputs("train").size(0) + prepared.Inputs("validation").size(0) - firstExamples, features.GetProperty("examplesComputed").GetInt32());
        bool[] Reported(string role) => evidence.GetProperty(role).GetProperty("correct").GetString()!.Select(c => c == '1').ToArray();
        var x = prepared!.Inputs("test");
        var truth = prepared.Targets("test").data<long>().ToArray();
        (int[] Predicted, bool[] Correct) Rescore(TransferFunctions.Learning.Models.ModelPackage package)
        {
            var predicted = TransferFunctions.Learning.Evaluation.ModelEvaluator.Predict(package.Model, x).Labels;
            return (predicted, predicted.Select((p, i) => p == truth[i]).ToArray());
        }
        using var candidate = TransferFunctions.Learning.Models.ModelPackage.Load(Path.Combine(_folder.Path, "runs", "champion-run-2", "candidate"));
        using var scratch = TransferFunctions.Learning.Models.ModelPackage.Load(Path.Combine(_folder.Path, "runs", "champion-run-2", "scratch"));
        using var champion = await steps.Bases.LoadVersionAsync(Project, 1, Ct);
        var (candidatePredicted, candidateCorrect) = Rescore(candidate);
        var (scratchPredicted, scratchCorrect) = Rescore(scratch);
        var (championPredicted, championCorrect) = Rescore(champion);

        Assert.True(truth.Length >= 100, $"{truth.Length} test images");
        Assert.Equal(candidateCorrect, Reported("candidate"));
        Assert.Equal(scratchCorrect, Reported("scratch"));
        Assert.Equal("champion v1", evidence.GetProperty("champion").GetProperty("model").GetString());
        Assert.Equal(championCorrect, Reported("champion"));
        // Three trainings (fine-tune now, fine-tune before, scratch): none predicts exactly like another.
        Assert.NotEqual(candidatePredicted, scratchPredicted);
        Assert.NotEqual(candidatePredicted, championPredicted);
        Assert.NotEqual(scratchPredicted, championPredicted);
    }

    /// <summary>Runs <paramref name="request"/> in process on a fresh store over the delivered batches; returns its result, the steps and the run's prepared tensors (when validation stored them).</summary>
    private async Task<(AdaptationResult Result, PipelineSteps Steps, PreparedTensors? Prepared)> RunToEndAsync(AdaptationRequest request, string runId)
    {
        var (service, steps) = Create();
        await service.SubmitAsync(request, runId, Ct);
        var result = Result(await service.RunAsync(runId, Ct));
        var prepared = Path.Combine(_folder.Path, "runs", runId, "prepared", "dataset.safetensors");
        return (result, steps, File.Exists(prepared) ? PreparedTensors.Deserialize(await File.ReadAllBytesAsync(prepared, Ct), prepared) : null);
    }

    [Fact]
    public async Task Multi_task_project_trains_a_head_per_extra_label_column_of_its_batches()
    {
        string Footwear(string label) => label is "Sandal" or "Sneaker" or "Ankle boot" ? "yes" : "no";
        var columns = new Dictionary<string, Func<string, string>> { ["footwear"] = Footwear };
        await batches.DeliverAsync(_folder.Path, Project, "b1", perClass: 30, extraColumns: columns);
        await batches.DeliverAsync(_folder.Path, Project, "b2", perClass: 30, offset: 30, extraColumns: columns);
        var (result, steps, prepared) = await RunToEndAsync(new AdaptationRequest(Project, "b2", "multi-task", Policy: Lenient, Steps: 40), "mt-run");
        using var _ = prepared;

        Assert.True(result.Outcome == "promoted", $"{result.Outcome}: {string.Join("; ", result.Reasons)}");
        var card = (await steps.Registry.GetAsync(Project, 1, Ct))!;
        Assert.Equal("multi-task", card.Strategy);
        Assert.Null(card.UnlabeledDatasetDigest);
        Assert.Equal(["no", "yes"], card.ExtraHeads["footwear"]);
        using var package = await steps.Bases.LoadVersionAsync(Project, 1, Ct);
        Assert.Equal(["no", "yes"], prepared!.Columns["footwear"]);
        // Both batches' examples carry the column: the merged data has no missing values.
        Assert.Equal(0, prepared.Targets("train", "footwear").lt(0).sum().item<long>());
        var truth = prepared.Targets("test", "footwear").data<long>().ToArray();
        var predicted = TransferFunctions.Learning.Evaluation.ModelEvaluator.Predict(package.Model, prepared.Inputs("test"), head: "footwear").Labels;
        var accuracy = truth.Zip(predicted, (t, p) => t == p ? 1.0 : 0.0).Average();
        Assert.True(accuracy > 0.8, $"footwear head accuracy {accuracy:P1} on {truth.Length} test images (majority class 60%)");
    }

    [Fact]
    public async Task Domain_adapt_project_uses_the_unlabeled_images_its_batches_carry()
    {
        await batches.DeliverAsync(_folder.Path, Project, "b1", perClass: 20, unlabeledPerClass: 12);
        var (result, steps, prepared) = await RunToEndAsync(new AdaptationRequest(Project, "b1", "domain-adapt", Policy: Lenient, Steps: 30), "da-run");
        using var _ = prepared;

        Assert.True(result.Outcome == "promoted", $"{result.Outcome}: {string.Join("; ", result.Reasons)}");
        var card = (await steps.Registry.GetAsync(Project, 1, Ct))!;
        Assert.Equal("domain-adapt", card.Strategy);
        Assert.Matches("^[0-9a-f]{64}$", card.UnlabeledDatasetDigest!);
        Assert.NotEqual(card.DatasetDigest, card.UnlabeledDatasetDigest);
        Assert.Equal(60, prepared!.Unlabeled!.size(0));
        // The unlabeled folder is not a class.
        Assert.DoesNotContain("_unlabeled", prepared.Labels);
        Assert.Equal(5, prepared.Labels.Count);
    }

    [Fact]
    public async Task Corrupt_unlabeled_image_invalidates_the_run_naming_batch_and_file()
    {
        await batches.DeliverAsync(_folder.Path, Project, "b1", perClass: 20, unlabeledPerClass: 2);
        await File.WriteAllBytesAsync(Path.Combine(_folder.Path, "datasets", Project, "b1", "_unlabeled", "zz-broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3], Ct);
        var (result, steps, prepared) = await RunToEndAsync(new AdaptationRequest(Project, "b1", "domain-adapt", Steps: 30), "bad-unlabeled");

        Assert.Equal("invalid-data", result.Outcome);
        Assert.Null(prepared);
        var reason = Assert.Single(result.Reasons, r => r.Contains("zz-broken.png", StringComparison.Ordinal));
        Assert.Contains("batch 'b1', _unlabeled/", reason);
        Assert.DoesNotContain(".tfstore-work", reason);
        Assert.Null(await steps.Registry.GetChampionAsync(Project, Ct));
    }

    [Fact]
    public async Task Unlabeled_folder_without_images_invalidates_the_run_without_local_paths()
    {
        await batches.DeliverAsync(_folder.Path, Project, "b1", perClass: 20);
        var notes = Path.Combine(_folder.Path, "datasets", Project, "b1", "_unlabeled", "notes.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(notes)!);
        await File.WriteAllTextAsync(notes, "pictures to come", Ct);

        var (result, _, prepared) = await RunToEndAsync(new AdaptationRequest(Project, "b1", "domain-adapt", Steps: 30), "no-images");

        Assert.Equal("invalid-data", result.Outcome);
        Assert.Null(prepared);
        var reason = Assert.Single(result.Reasons);
        Assert.StartsWith("unlabeled images of batch 'b1', _unlabeled/: no image files", reason);
        Assert.DoesNotContain(_folder.Path, reason);
    }

    [Fact]
    public async Task Replay_after_a_crash_at_every_step_reaches_the_same_result_without_duplicate_versions()
    {
        await batches.DeliverAsync(_folder.Path, Project, "b1", perClass: 20);
        var (clean, steps) = Create();
        // The uninterrupted reference run uses the same data under another project name.
        CopyProject(Project, "clean");
        await clean.SubmitAsync(Request("b1", ReplaySteps) with { Project = "clean" }, "clean-run", Ct);
        var reference = Result(await clean.RunAsync("clean-run", Ct));

        KillAfterCompletion? executor = null;
        var (crashy, _) = Create(sp => executor = new KillAfterCompletion(sp.GetRequiredService<PipelineSteps>().CreateInProcessExecutor()));
        await crashy.SubmitAsync(Request("b1", ReplaySteps), "crashy", Ct);
        Assert.NotNull(executor);
        var crashes = 0;
        RunRecord? final = null;
        while (final is null)
        {
            using var stop = new CancellationTokenSource();
            // Kill the process the moment a step finishes, before its result is journaled; after a restart
            // that step runs again, so let it complete and kill at the one after.
            executor!.Arm(stop, executor.Completions + (crashes == 0 ? 1 : 2));
            try
            {
                final = await crashy.RunAsync("crashy", stop.Token);
            }
            catch (OperationCanceledException)
            {
                crashes++;
                Assert.True(crashes < 30, "the run never finished");
            }
        }

        var result = Result(final);
        Assert.True(crashes >= 7, $"expected a crash during each of the 7 steps, got {crashes}");
        Assert.Equal(reference.Outcome, result.Outcome);
        Assert.Equal(reference.CandidateAccuracy, result.CandidateAccuracy);
        var versions = await steps.Registry.ListVersionsAsync(Project, Ct);
        Assert.Equal(result.Outcome == "promoted" ? 1 : 0, versions.Count);
    }

    [Fact]
    public async Task A_runs_journal_is_written_once_a_segment_per_persist_and_its_folder_keeps_the_segments_and_step_outputs()
    {
        await batches.DeliverAsync(_folder.Path, Project, "b1", perClass: 20);
        var counting = new CountingObjectStore(new FileSystemObjectStore(_folder.Path));
        var (service, _) = Create(configure: services => services.AddSingleton<IObjectStore>(counting));
        var created = await service.SubmitAsync(Request("b1", ReplaySteps) with { Policy = Lenient }, "journal-run", Ct);

        var run = await service.RunAsync(created.InstanceId, Ct);

        Assert.Equal(RunStatus.Completed, run.Status);
        var segments = new List<(string Key, long Size, RunJournalSegment Segment)>();
        await foreach (var item in counting.ListAsync(RunKeys.JournalPrefix(run.InstanceId), Ct))
        {
            segments.Add((item.Key, item.Size, (await counting.ReadJsonAsync<RunJournalSegment>(item.Key, Ct))!.Value));
        }

        var writes = counting.WritesUnder(RunKeys.Folder(run.InstanceId) + "journal");
        Assert.Equal(segments.Select(s => s.Key), writes.Select(w => w.Key));
        var written = writes.Sum(w => w.Size);
        Assert.Equal(segments.Sum(s => s.Size), written);
        var journal = (await new OrchestrationClient(counting).GetJournalAsync(run.InstanceId, Ct))!;
        Assert.Equal(segments.Sum(s => s.Segment.Entries.Count), journal.Entries.Count);
        Assert.Null(await counting.GetPropertiesAsync(RunKeys.LegacyJournal(run.InstanceId), Ct));
        // The whole-document journal wrote every entry so far at each of the same persists.
        long rewritten = 0;
        for (var i = 1; i <= segments.Count; i++)
        {
            rewritten += StoreJson.Serialize(new RunJournal(run.InstanceId, segments.Take(i).SelectMany(s => s.Segment.Entries).ToArray(), journal.CodeVersion)).Length;
        }

        Assert.True(written < rewritten, $"{written} bytes appended, {rewritten} rewritten");
        var outputs = new List<string>();
        await foreach (var item in counting.ListAsync(RunKeys.Folder(run.InstanceId) + "outputs/", Ct)) outputs.Add(item.Key);
        // Every step but report (whose output is the report files) left its output document.
        Assert.Equal(run.Steps.Where(s => s.Name != StepNames.Report).Select(s => StepOutputs.Key(run.InstanceId, s.Name)).Distinct().Order(StringComparer.Ordinal), outputs);
        output.WriteLine($"journal of {run.InstanceId}: {journal.Entries.Count} entries in {segments.Count} segments, {written} bytes written; "
            + $"rewriting the whole journal at the same persists: {rewritten} bytes; the final whole document: {StoreJson.Serialize(journal).Length} bytes");
    }

    [Fact]
    public async Task A_run_journaled_by_a_version_before_the_probe_baseline_step_fails_with_the_reason_instead_of_crashing()
    {
        await batches.DeliverAsync(_folder.Path, Project, "b1", perClass: 5);
        var (service, _) = Create();
        var created = await service.SubmitAsync(Request("b1") with { Policy = PromotionPolicy.Default with { FirstModelMustBeatLinearProbe = true } }, "old-run", Ct);
        // What that version journaled, as the single document it rewrote (runs/{id}/journal): validate, extract, adapt ∥ scratch, then evaluate at position 4 (no probe-baseline step),
        // and no code version (journals did not record one).
        JsonElement Doc(string json) => JsonDocument.Parse(json).RootElement.Clone();
        var data = Doc($$"""{"valid":true,"project":"{{Project}}","batches":["b1"],"digest":"d","labels":["a","b"],"splitCounts":{},"errors":[],"warnings":[],"tensorsKey":"runs/old-run/prepared/dataset.safetensors","baseModel":"embedded","baseWeightsDigest":"w"}""");
        var features = Doc("""{"cacheKey":"features/x/d.safetensors","cacheHit":false,"logMe":0.1,"featureDimension":8,"seconds":1}""");
        JsonElement Trained(string role) => Doc($$"""{"role":"{{role}}","strategy":"fine-tune","stagedPrefix":"runs/old-run/{{role}}/","weightsDigest":"w","hyperparameters":{},"notes":[],"curve":[],"seconds":1}""");
        var at = DateTimeOffset.UtcNow;
        var journal = new RunJournal(created.InstanceId,
        [
            new JournalEntry(0, JournalEntryKind.StepCompleted, StepNames.Validate, at, Output: data),
            new JournalEntry(1, JournalEntryKind.StepCompleted, StepNames.ExtractFeatures, at, Output: features),
            new JournalEntry(2, JournalEntryKind.StepCompleted, StepNames.Adapt, at, Output: Trained("candidate")),
            new JournalEntry(3, JournalEntryKind.StepCompleted, StepNames.TrainScratch, at, Output: Trained("scratch")),
            new JournalEntry(4, JournalEntryKind.StepCompleted, StepNames.Evaluate, at, Output: Doc("{}")),
        ]);
        await new FileSystemObjectStore(_folder.Path).WriteJsonAsync(RunKeys.LegacyJournal(created.InstanceId), journal, WriteCondition.CreateOnly, Ct);

        var run = await service.RunAsync(created.InstanceId, Ct);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("was recorded by an older version", run.Failure!.Message);
        Assert.Contains("step 'evaluate'", run.Failure.Message);
        Assert.Contains("step 'probe-baseline'", run.Failure.Message);
        Assert.Contains("submit its batch again", run.Failure.Message);
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "runs", created.InstanceId, "candidate")), "a step ran for a run that cannot resume");
    }

    [Fact]
    public async Task Bad_batch_ends_its_run_with_a_specific_reason_and_changes_nothing_else()
    {
        await batches.DeliverAsync(_folder.Path, Project, "b1", perClass: 20);
        var (service, steps) = Create();
        // An existing champion: the base package registered as v1 of the project.
        using (var basePackage = await steps.Bases.LoadAsync(PipelineOptions.EmbeddedBase, Ct))
        {
            var (weights, baseCard) = basePackage.Serialize();
            var card = await steps.Registry.RegisterAsync(baseCard with { Name = Project }, weights, Ct);
            Assert.True((await steps.Registry.TryMoveChampionAsync(Project, card.Version, ChampionExpectation.NoChampion, "seed", Ct)).Moved);
        }
        var bad = Path.Combine(_folder.Path, "datasets", Project, "b2", "Sandal");
        Directory.CreateDirectory(bad);
        await File.WriteAllBytesAsync(Path.Combine(bad, "broken.png"), new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 }, Ct);
        await File.WriteAllTextAsync(Path.Combine(_folder.Path, "datasets", Project, "b2", "_READY"), "", Ct);
        var filesBefore = Directory.GetFiles(Path.Combine(_folder.Path, "datasets"), "*", SearchOption.AllDirectories).Length;

        await service.SubmitAsync(Request("b2"), "bad-run", Ct);
        var run = await service.RunAsync("bad-run", Ct);

        var result = Result(run);
        Assert.Equal("invalid-data", result.Outcome);
        Assert.Contains(result.Reasons, r => r.Contains("broken.png", StringComparison.Ordinal));
        Assert.Equal(new[] { "validate", "report" }, run.Steps.Select(s => s.Name).ToArray());
        Assert.Equal(1, (await steps.Registry.GetChampionAsync(Project, Ct))!.Value.Version);
        Assert.Single(await steps.Registry.ListVersionsAsync(Project, Ct));
        Assert.Equal(filesBefore, Directory.GetFiles(Path.Combine(_folder.Path, "datasets"), "*", SearchOption.AllDirectories).Length);
    }

    /// <summary>Stops the runner right after the n-th step completion, throwing the result away (a crash before journaling).</summary>
    private sealed class KillAfterCompletion(IStepExecutor inner) : IStepExecutor
    {
        private CancellationTokenSource? _stop;
        private int _target, _completions;

        public int Completions => Volatile.Read(ref _completions);

        public void Arm(CancellationTokenSource stop, int target) => (_stop, _target) = (stop, target);

        public async Task<JsonElement> ExecuteAsync(StepInvocation invocation, CancellationToken cancellationToken)
        {
            var result = await inner.ExecuteAsync(invocation, cancellationToken);
            if (Interlocked.Increment(ref _completions) == _target && _stop is { } stop)
            {
                await stop.CancelAsync();
                throw new OperationCanceledException(stop.Token);
            }
            return result;
        }
    }

    private void CopyProject(string from, string to)
    {
        var source = Path.Combine(_folder.Path, "datasets", from);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = file.Replace(Path.Combine("datasets", from), Path.Combine("datasets", to), StringComparison.Ordinal);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    public void Dispose()
    {
        foreach (var provider in _providers) provider.Dispose();
        _folder.Dispose();
    }
}

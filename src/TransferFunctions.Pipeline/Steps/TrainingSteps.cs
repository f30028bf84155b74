using System.Diagnostics;
using TransferFunctions.Learning.Analysis;
using TransferFunctions.Learning.Evaluation;
using TransferFunctions.Learning.Metrics;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Strategies;
using TransferFunctions.Pipeline.Promotion;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Storage;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// The compute steps (GPU steps on Azure): extract features + transferability, adapt / train
/// scratch, evaluate. Each reads the validated tensors from the store and writes its models to the
/// run's folder, so it can run in any process that sees the store.
/// </summary>
public sealed class TrainingSteps(IObjectStore store, BaseModelResolver bases, ModelRegistry registry, string device = TransferFunctions.Learning.Engine.EngineDevice.Auto)
{
    public const string CandidateRole = "candidate";
    public const string ScratchRole = "scratch";
    public const string ProbeRole = "probe";

    /// <summary>Source examples used for the domain distance and retention checks (a fixed, small sample).</summary>
    public const int SourceSample = 1000;

    private readonly StoreFeatureCache _cache = new(store);

    /// <summary>
    /// The seed a role trains with: the run's seed for the candidate, one derived from it for scratch. The roles must not
    /// share randomness by accident: with "run seed + 1" the scratch model shuffled its data exactly as the candidate's
    /// fine-tune phase (the strategy offsets each phase's seed by its index), so the gate compared two models that saw the
    /// same batches in the same order. The gate asks whether a model trained from scratch would do as well, so scratch
    /// gets its own initialization, augmentation and order, reproducibly.
    /// </summary>
    public static int RoleSeed(int runSeed, string role) => role == ScratchRole ? TransferFunctions.Learning.Data.SeedMixer.Mix(runSeed, ScratchSeedStream) : runSeed;

    private const int ScratchSeedStream = 0x5c7a;

    /// <summary>The run's device, else this host's; an unavailable device fails here, before anything is loaded.</summary>
    private Device DeviceFor(RunInput run) => TransferFunctions.Learning.Engine.EngineDevice.Resolve(run.Device ?? device);

    public Task<FeatureReport> ExtractAsync(ExtractRequest request, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        var watch = Stopwatch.StartNew();
        var computeDevice = DeviceFor(request.Run);
        using var basePackage = await bases.LoadAsync(request.Data.BaseModel, cancellationToken);
        using var data = await LoadTensorsAsync(request.Data, cancellationToken);
        var target = Target(data, request.Data);
        basePackage.Model.to(computeDevice);
        var extraction = Stopwatch.StartNew();
        using var features = FrozenFeatures.Get(basePackage.Model, target, _cache, cancellationToken);
        extraction.Stop();
        var logMe = TransferAnalysis.Transferability(features.Train, target.TrainLabels, target.ClassCount);

        // The same score for a randomly initialized backbone tells how much of it the pretraining earned.
        torch.manual_seed((long)request.Run.Seed);
        using var random = ModelPackage.CreateModel(basePackage.Card).to(computeDevice);
        var randomScore = TransferAnalysis.Transferability(random, target.TrainInputs, target.TrainLabels, target.ClassCount, cancellationToken: cancellationToken);

        double? mmd = null;
        var (source, _) = await SourceData.TryLoadAsync(basePackage.Card, test: true, SourceSample, cancellationToken: cancellationToken);
        if (source is not null)
        {
            using (source.Inputs)
            using (source.Labels)
                mmd = TransferAnalysis.DomainDistance(basePackage.Model, source.Inputs, target.TrainInputs, cancellationToken: cancellationToken).SquaredMmd;
        }
        return new FeatureReport(StoreFeatureCache.FolderOf(features.BackboneDigest), features.CacheHit, logMe.Score, randomScore.Score, mmd, (int)basePackage.Model.FeatureDimension,
            watch.Elapsed.TotalSeconds, features.ExamplesComputed, features.ExamplesCached, extraction.Elapsed.TotalSeconds,
            TransferFunctions.Learning.Engine.EngineDevice.Describe(computeDevice));
    }, cancellationToken);

    public Task<TrainedModel> AdaptAsync(TrainRequest request, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        var watch = Stopwatch.StartNew();
        var computeDevice = DeviceFor(request.Run);
        using var basePackage = await bases.LoadAsync(request.Data.BaseModel, cancellationToken);
        using var data = await LoadTensorsAsync(request.Data, cancellationToken);
        var context = new AdaptationContext
        {
            Base = basePackage,
            Data = Target(data, request.Data),
            Seed = RoleSeed(request.Run.Seed, request.Role),
            FeatureCache = _cache,
            OutputName = request.Run.Project,
            Budget = Budget(request.Run),
            Device = computeDevice,
        };
        using var outcome = await CandidateAdaptation.RunAsync(request.Strategy, context, cancellationToken: cancellationToken);
        var digest = await StagedModels.SaveAsync(store, request.RunId, request.Role, outcome.Model, cancellationToken);
        var curve = outcome.Report.Phases
            .SelectMany(p => p.History.Epochs.Select(e => new EpochPoint(p.Name, e.Epoch, e.TrainLoss, e.ValidationAccuracy)))
            .ToList();
        return new TrainedModel(request.Role, outcome.Report.Strategy, StagedModels.Prefix(request.RunId, request.Role), digest,
            outcome.Report.Hyperparameters, outcome.Report.Notes, curve, watch.Elapsed.TotalSeconds,
            (int)data.Inputs("train").size(0), (int)data.Inputs("validation").size(0), (int)data.Inputs("test").size(0));
    }, cancellationToken);

    /// <summary>
    /// The probe-baseline step: the base's linear probe on the run's data, the reference a project's first model must
    /// beat. A project that has a champion needs none (the champion is the reference): null then.
    /// </summary>
    public async Task<TrainedModel?> ProbeBaselineAsync(TrainRequest request, CancellationToken cancellationToken)
    {
        if (await registry.GetChampionAsync(request.Run.Project, cancellationToken) is not null) return null;
        return await AdaptAsync(request with { Strategy = "linear-probe", Role = ProbeRole }, cancellationToken);
    }

    public Task<EvaluationReport> EvaluateAsync(EvaluateRequest request, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        var watch = Stopwatch.StartNew();
        using var data = await LoadTensorsAsync(request.Data, cancellationToken);
        var x = data.Inputs("test");
        var y = data.Targets("test");
        var labels = data.Labels;

        using var candidate = await StagedModels.LoadAsync(store, request.CandidatePrefix, cancellationToken);
        using var scratch = await StagedModels.LoadAsync(store, request.ScratchPrefix, cancellationToken);
        var candidateEval = Evaluate("candidate", candidate, x, y, labels);
        var scratchEval = Evaluate("scratch", scratch, x, y, labels);

        ModelEvaluation? championEval = null, probeEval = null;
        int? championVersion = null;
        var champion = await registry.GetChampionAsync(request.Run.Project, cancellationToken);
        using var basePackage = await bases.LoadAsync(request.Data.BaseModel, cancellationToken);
        if (champion is not null)
        {
            championVersion = champion.Value.Version;
            using var championPackage = await bases.LoadVersionAsync(request.Run.Project, championVersion.Value, cancellationToken);
            championEval = Evaluate($"champion v{championVersion}", championPackage, data.ChampionTestInputs, y, labels);
        }
        else if (request.ProbePrefix is { } probePrefix)
        {
            // A project's first model is also judged against the base's linear probe (trained by its own step) on the same data.
            using var probe = await StagedModels.LoadAsync(store, probePrefix, cancellationToken);
            probeEval = Evaluate("base linear probe", probe, x, y, labels);
        }

        double? before = null, after = null;
        if (AdaptedModel.HasSourceHead(candidate.Model))
        {
            var (source, _) = await SourceData.TryLoadAsync(basePackage.Card, test: true, SourceSample, cancellationToken: cancellationToken);
            if (source is not null)
            {
                using (source.Inputs)
                using (source.Labels)
                {
                    var retention = TransferAnalysis.SourceRetention(basePackage, candidate, source.Inputs, source.Labels, cancellationToken);
                    (before, after) = (retention.Before, retention.After);
                }
            }
        }
        // Retention is expected to be measurable (so the default floor applies) only where the base names its source data
        // and has a source task to retain: a headless feature extractor (the imported ImageNet ResNet-18) has no classes.
        var sourceTask = basePackage.Card.SourceDataset is not null && basePackage.Card.Labels.Count > 0;
        var evidence = new EvaluationEvidence(candidateEval, championEval, scratchEval, probeEval, before, after, sourceTask);
        return new EvaluationReport(evidence, championVersion, watch.Elapsed.TotalSeconds);
    }, cancellationToken);

    /// <summary>
    /// Evaluates on the run's labels. A model whose labels differ (an older champion trained before a
    /// class existed) is scored by label name; a class it does not know counts as wrong.
    /// </summary>
    private static ModelEvaluation Evaluate(string name, ModelPackage package, Tensor x, Tensor y, IReadOnlyList<string> labels)
    {
        var truth = y.data<long>().ToArray().Select(v => (int)v).ToArray();
        int[] predicted;
        double[][]? probabilities = null;
        var predictions = ModelEvaluator.Predict(package.Model, x);
        if (package.Card.Labels.SequenceEqual(labels))
        {
            predicted = predictions.Labels;
            probabilities = predictions.Probabilities;
        }
        else
        {
            var index = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
            // A label the run does not have is scored as a wrong class (any index but the truth).
            predicted = predictions.Labels.Select((p, i) => index.TryGetValue(package.Card.Labels[p], out var mapped) ? mapped : (truth[i] + 1) % labels.Count).ToArray();
        }
        var report = ClassificationMetrics.Compute(truth, predicted, labels, probabilities);
        var interval = Bootstrap.Accuracy(truth, predicted);
        var correct = truth.Select((t, i) => predicted[i] == t).ToArray();
        return new ModelEvaluation(name, report, correct, new BootstrapIntervalSummary(interval.Estimate, interval.Lower, interval.Upper, interval.Level));
    }

    private static AdaptationBudget Budget(RunInput run) => run.Steps is { } steps ? AdaptationBudget.Default with { Steps = steps } : AdaptationBudget.Default;

    private static TargetData Target(PreparedTensors data, ValidatedDataset meta) => new()
    {
        TrainInputs = data.Inputs("train"),
        TrainLabels = data.Targets("train"),
        ValidationInputs = data.Inputs("validation").size(0) > 0 ? data.Inputs("validation") : null,
        ValidationLabels = data.Targets("validation").size(0) > 0 ? data.Targets("validation") : null,
        Labels = data.Labels,
        ExtraLabelColumns = data.LabelColumns(),
        UnlabeledInputs = data.Unlabeled,
        Digest = meta.Digest,
    };

    private async Task<PreparedTensors> LoadTensorsAsync(ValidatedDataset data, CancellationToken cancellationToken)
    {
        var key = data.TensorsKey ?? throw new InvalidOperationException("the dataset was not validated successfully; no tensors to train on");
        var stored = await store.ReadAsync(key, cancellationToken) ?? throw new FileNotFoundException($"prepared tensors {key} are missing from the store");
        // Straight from the store's buffer into tensors: no copy of the blob per read.
        return PreparedTensors.Deserialize(stored.Content.Span, key);
    }
}

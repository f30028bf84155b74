using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TransferFunctions.Learning.Analysis;
using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Evaluation;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Strategies;
using TransferFunctions.Pipeline.Reports.Svg;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Cli.Bench;

/// <summary>
/// `bench transfer`: does a base's knowledge transfer, and from which base? On the same target data and budgets, the
/// Fashion-compact base, the ImageNet ResNet-18 and scratch (the compact architecture from random weights), each
/// base as linear probe and fine-tune, at k labels per class, on Fashion-MNIST classes 5–9 (test: the 5,000 official
/// test images) and on letters A–J rendered from the installed fonts (test: every image of the held-out font
/// families). Each sample also scores both bases by LogME on its training features, so the benchmark measures how often
/// LogME's first choice is the base whose fine-tune is best. Seeds run outermost and the results file is rewritten
/// after every run, so a cut-short run leaves whole seeds behind, and <c>--resume</c> continues it.
/// </summary>
public static class TransferBenchmark
{
    public static readonly int[] DefaultK = [10, 100];
    public static readonly string[] Targets = ["fashion-5-9", "letters-a-j"];
    public const string ImageNetName = "imagenet-resnet18";
    public const string CompactName = "fashion-compact";

    /// <summary>
    /// Optimizer steps (batch 64, or all examples when fewer) of every fine-tune and scratch run per labels-per-class
    /// (the same for every method, as in the pipeline). Set by what three seeds of both targets cost on a shared 2-core
    /// machine, where one ImageNet fine-tuning step at 64 px takes seconds: 60 steps is 60 passes over the 50 images of
    /// Fashion k = 10, 120 steps about 15 passes over its 500 at k = 100. Whether that is enough is measured, not
    /// assumed: every run records its training loss per round and the table reports the last round's change.
    /// </summary>
    public static AdaptationBudget Budget(int k) => k <= 10
        ? new AdaptationBudget { Steps = 60, BatchSize = 64, ValidationRounds = 5 }
        : new AdaptationBudget { Steps = 120, BatchSize = 64, ValidationRounds = 5 };

    /// <summary>Budget of <c>--quick</c>: one seed of k = 10, a smoke test of every cell rather than a measurement.</summary>
    public const int QuickSteps = 30;

    public sealed record Settings(string CompactBase, string ImageNetBase, string OutputDirectory, IReadOnlyList<int> K, int Seeds, IReadOnlyList<int> Sizes, int? Steps, IReadOnlyList<string> Targets,
        int? ImageNetSize = null, bool Resume = false, bool SummarizeOnly = false)
    {
        public AdaptationBudget BudgetOf(int k) => Steps is { } steps ? Budget(k) with { Steps = steps } : Budget(k);
    }

    /// <summary>One run. <paramref name="LossChange"/>: relative change of the training loss over the last validation round of the (fine-tuning) phase.</summary>
    public sealed record Row(string Target, string Base, string Method, int K, int Seed, int TrainExamples, double Accuracy, double Seconds, int Steps, int? InputSize = null, double? LossChange = null);

    /// <summary>LogME of one base on one sample's training features.</summary>
    public sealed record LogMeRow(string Target, string Base, int K, int Seed, int InputSize, double Score);

    /// <summary>A target domain: its labels, train pool by class, test positions, and how to turn positions into model inputs.</summary>
    private sealed record Target(string Name, string[] Labels, int[][] TrainByClass, int[] Test, Func<IReadOnlyList<int>, InputSpec, Tensor> Images, Func<IReadOnlyList<int>, Tensor> LabelsOf, string Description);

    private static readonly (string Base, string Method)[] Cells =
    [
        (CompactName, "linear-probe"), (CompactName, "fine-tune"), (ImageNetName, "linear-probe"), (ImageNetName, "fine-tune"), ("none", "scratch"),
    ];

    public static async Task<JsonObject> RunAsync(Settings s, TextWriter log, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        using var compact = ModelPackage.Load(s.CompactBase);
        using var loaded = ModelPackage.Load(s.ImageNetBase);
        // The ImageNet base at another input size is the same weights with another input spec (a model setting).
        var imagenet = s.ImageNetSize is { } px ? Resized(loaded, px) : loaded;
        var targets = new List<Target>();
        foreach (var name in s.Targets)
            targets.Add(name switch
            {
                "fashion-5-9" => await FashionTarget(ct),
                "letters-a-j" => LettersTarget(),
                _ => throw new ArgumentException($"unknown target '{name}': known are {string.Join(", ", Targets)}"),
            });
        foreach (var t in targets) log.WriteLine($"[transfer] target {t.Name}: {t.Description}");
        using var cache = new InMemoryFeatureCache();
        using var inputs = new TestInputs();

        // Input size of the ImageNet base: the same probe at each size (k = 100 or the largest k asked for).
        var sizeRows = new List<Row>();
        var sizeK = s.K.Contains(100) ? 100 : s.K.Max();
        foreach (var size in s.Sizes)
        {
            var resized = Resized(loaded, size);
            foreach (var target in targets)
            {
                var row = Run(target, resized, ImageNetName, "linear-probe", sizeK, 0, s, cache, inputs, ct) with { InputSize = size };
                sizeRows.Add(row);
                log.WriteLine($"[transfer] size {size,3} {target.Name,-12} probe k={sizeK}: {row.Accuracy:P2} in {row.Seconds:F1}s   (total {total.Elapsed:m\\:ss})");
            }
        }

        var path = Path.Combine(s.OutputDirectory, "transfer.json");
        var (rows, logme) = s.Resume || s.SummarizeOnly ? Previous(path, s, imagenet.Card.Input.Height) : ([], []);
        if (rows.Count > 0) log.WriteLine($"[transfer] resuming: {rows.Count} runs and {logme.Count} LogME scores from {path}");
        var bases = new[] { (CompactName, compact), (ImageNetName, imagenet) };
        for (var seed = 0; seed < (s.SummarizeOnly ? 0 : s.Seeds); seed++)
            foreach (var target in targets)
                foreach (var k in s.K)
                {
                    if (!logme.Any(l => l.Target == target.Name && l.K == k && l.Seed == seed))
                        foreach (var score in LogMeOf(target, bases, k, seed, ct))
                        {
                            logme.Add(new LogMeRow(target.Name, score.Reference, k, seed, score.InputSize, score.LogMe));
                            log.WriteLine($"[transfer] {target.Name,-12} k={k,-4} seed={seed} {score.Reference,-18} LogME {score.LogMe:F4}");
                        }
                    foreach (var (baseName, method) in Cells)
                    {
                        if (rows.Any(r => r.Target == target.Name && r.Base == baseName && r.Method == method && r.K == k && r.Seed == seed)) continue;
                        var package = baseName == ImageNetName ? imagenet : compact;
                        var row = Run(target, package, baseName, method, k, seed, s, cache, inputs, ct);
                        rows.Add(row);
                        log.WriteLine($"[transfer] {target.Name,-12} k={k,-4} seed={seed} {baseName,-18} {method,-12} {row.Accuracy:P2}  {row.Seconds,6:F1}s  ({row.TrainExamples} train{(row.LossChange is { } c ? $", last-round loss change {c:P1}" : "")})   (total {total.Elapsed:h\\:mm\\:ss})");
                        Write(s, targets, rows, logme, sizeRows, total.Elapsed, imagenet.Card.Input.Height);
                    }
                }

        var summary = Write(s, targets, rows, logme, sizeRows, total.Elapsed, imagenet.Card.Input.Height);
        log.WriteLine($"[transfer] wrote {path}, transfer.md and SVGs in {total.Elapsed:h\\:mm\\:ss}");
        return summary;
    }

    private static ModelPackage Resized(ModelPackage package, int size) =>
        new(package.Card with { Input = package.Card.Input with { Height = size, Width = size } }, package.Model);

    private static Row Run(Target target, ModelPackage basePackage, string baseName, string method, int k, int seed, Settings s, InMemoryFeatureCache cache, TestInputs inputs, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var spec = basePackage.Card.Input;
        var train = LabelEfficiencyBenchmark.Sample(target.TrainByClass, k, seed).Train;
        using var scope = NewDisposeScope();
        var trainX = target.Images(train, spec);
        var trainY = target.LabelsOf(train);
        var data = new TargetData { TrainInputs = trainX, TrainLabels = trainY, Labels = target.Labels, Digest = $"{target.Name}-k{k}-seed{seed}-{spec.Height}px" };
        var budget = s.BudgetOf(k);
        var context = new AdaptationContext { Base = basePackage, Data = data, Seed = seed, Budget = budget, FeatureCache = cache };
        using var outcome = StrategyRegistry.Create(method).Adapt(context, ct);
        var testY = target.LabelsOf(target.Test);
        // A probe's backbone is the base's, frozen: its test features are the base's, computed once per target and base.
        var accuracy = method == "linear-probe"
            ? HeadAccuracy(outcome.Model.Model, inputs.Features(target.Name, baseName, basePackage, () => target.Images(target.Test, spec), ct), testY)
            : ModelEvaluator.Accuracy(outcome.Model.Model, inputs.Images(target.Name, spec, () => target.Images(target.Test, spec)), testY, cancellationToken: ct);
        var last = outcome.Report.Phases.LastOrDefault()?.History.Epochs;
        double? change = method != "linear-probe" && last is { Count: >= 2 } ? Math.Round((last[^1].TrainLoss - last[^2].TrainLoss) / last[^2].TrainLoss, 4) : null;
        return new Row(target.Name, baseName, method, k, seed, train.Length, accuracy, watch.Elapsed.TotalSeconds, budget.Steps, spec.Height, change);
    }

    /// <summary>Accuracy of the model's head on precomputed backbone features (what the whole model computes for a frozen backbone).</summary>
    private static double HeadAccuracy(ResNet model, Tensor features, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        model.eval();
        var predicted = model.Head.forward(features).argmax(1);
        return predicted.eq(labels).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>Both bases ranked by LogME on the sample's training images, as the pipeline's auto ranks a project's candidate bases.</summary>
    private static IReadOnlyList<BaseCandidateScore> LogMeOf(Target target, IReadOnlyList<(string, ModelPackage)> bases, int k, int seed, CancellationToken ct)
    {
        using var scope = NewDisposeScope();
        var train = LabelEfficiencyBenchmark.Sample(target.TrainByClass, k, seed).Train;
        return BaseRanking.Rank(bases, spec => target.Images(train, spec), target.LabelsOf(train), target.Labels.Length, train.Length, ct);
    }

    /// <summary>Test inputs per target and input spec, and a base's test features, kept for the whole benchmark.</summary>
    private sealed class TestInputs : IDisposable
    {
        private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);

        public Tensor Images(string target, InputSpec spec, Func<Tensor> make) => Get($"images|{target}|{spec.Height}x{spec.Width}|{spec.Channels}", make);

        public Tensor Features(string target, string baseName, ModelPackage package, Func<Tensor> images, CancellationToken ct)
        {
            var spec = package.Card.Input;
            return Get($"features|{target}|{baseName}|{spec.Height}", () => FeatureExtractor.Extract(package.Model, Images(target, spec, images), ct));
        }

        private Tensor Get(string key, Func<Tensor> make)
        {
            if (_tensors.TryGetValue(key, out var t)) return t;
            using var scope = NewDisposeScope();
            t = make().DetachFromDisposeScope();
            _tensors[key] = t;
            return t;
        }

        public void Dispose()
        {
            foreach (var t in _tensors.Values) t.Dispose();
        }
    }

    /// <summary>Runs and LogME scores of an earlier run of the same budgets and ImageNet input size, to continue it.</summary>
    private static (List<Row>, List<LogMeRow>) Previous(string path, Settings s, int imagenetSize)
    {
        if (!File.Exists(path)) return ([], []);
        var document = JsonNode.Parse(File.ReadAllText(path))!;
        var rows = (document["runs"]?.AsArray() ?? []).Select(n => n.Deserialize<Row>(TransferResults.Json)!)
            .Where(r => r.Steps == s.BudgetOf(r.K).Steps && (r.Base != ImageNetName || r.InputSize == imagenetSize)).ToList();
        var logme = (document["logme"]?.AsArray() ?? []).Select(n => n.Deserialize<LogMeRow>(TransferResults.Json)!)
            .Where(l => l.Base != ImageNetName || l.InputSize == imagenetSize).ToList();
        return (rows, logme);
    }

    private static async Task<Target> FashionTarget(CancellationToken ct)
    {
        var classes = LabelEfficiencyBenchmark.TargetClasses;
        var labels = classes.Select(c => FashionMnist.ClassNames[c]).ToArray();
        var train = await FashionMnist.LoadAsync(train: true, FashionMnist.DefaultDirectory, ct);
        var test = await FashionMnist.LoadAsync(train: false, FashionMnist.DefaultDirectory, ct);
        int[] Positions(DatasetDescription d, string l) => Enumerable.Range(0, d.Examples.Count).Where(i => d.Examples[i].Label == l).ToArray();
        var testPositions = labels.SelectMany(l => Positions(test, l)).ToArray();
        var byClass = labels.Select(l => Positions(train, l)).ToArray();
        // Positions below the train count index the train set; test positions are offset past it.
        var offset = train.Examples.Count;
        Tensor Images(IReadOnlyList<int> p, InputSpec spec) => p.Count > 0 && p[0] >= offset
            ? InMemoryTensors.Images(test, p.Select(i => i - offset).ToArray(), spec)
            : InMemoryTensors.Images(train, p, spec);
        Tensor LabelsOf(IReadOnlyList<int> p) => p.Count > 0 && p[0] >= offset
            ? InMemoryTensors.Labels(test, p.Select(i => i - offset).ToArray(), classes)
            : InMemoryTensors.Labels(train, p, classes);
        return new Target("fashion-5-9", labels, byClass, testPositions.Select(i => i + offset).ToArray(), Images, LabelsOf,
            $"Fashion-MNIST classes 5-9; {byClass.Sum(c => c.Length)} train images, test = {testPositions.Length} official test images");
    }

    private static Target LettersTarget()
    {
        var letters = RenderedLetters.Render();
        var size = letters.Size;
        var byClass = Enumerable.Range(0, RenderedLetters.Letters.Length)
            .Select(c => Enumerable.Range(0, letters.Count).Where(i => !letters.IsTest[i] && letters.Labels[i] == c).ToArray()).ToArray();
        var test = Enumerable.Range(0, letters.Count).Where(i => letters.IsTest[i]).ToArray();
        Tensor Images(IReadOnlyList<int> p, InputSpec spec)
        {
            var bytes = new byte[p.Count * size * size];
            for (var i = 0; i < p.Count; i++) Array.Copy(letters.Pixels, p[i] * size * size, bytes, i * size * size, size * size);
            using var nhwc = tensor(bytes, new long[] { p.Count, size, size, 1 }, ScalarType.Byte);
            return Preprocessing.ToModelInput(nhwc, spec);
        }
        Tensor LabelsOf(IReadOnlyList<int> p) => tensor(p.Select(i => (long)letters.Labels[i]).ToArray());
        var testFamilies = test.Select(i => letters.Fonts[i]).Distinct().Count();
        return new Target("letters-a-j", RenderedLetters.Letters, byClass, test, Images, LabelsOf,
            $"letters A-J rendered at {size}px from {letters.Count / RenderedLetters.Letters.Length} font files; train {byClass.Sum(c => c.Length)} images ({byClass.Min(c => c.Length)} per letter), test {test.Length} images of {testFamilies} held-out font files (split by family)");
    }

    private static JsonObject Write(Settings s, IReadOnlyList<Target> targets, List<Row> rows, List<LogMeRow> logme, List<Row> sizeRows, TimeSpan elapsed, int imagenetSize)
    {
        var summary = TransferResults.Summarize(targets.Select(t => t.Name).ToList(), s.K, rows, logme);
        summary["seconds"] = Math.Round(elapsed.TotalSeconds, 1);
        Directory.CreateDirectory(s.OutputDirectory);
        var document = new JsonObject
        {
            ["summary"] = summary.DeepClone(),
            ["targets"] = new JsonObject(targets.Select(t => KeyValuePair.Create(t.Name, (JsonNode?)t.Description))),
            ["imagenet_input_size"] = imagenetSize,
            ["seeds"] = rows.Select(r => r.Seed).Distinct().Count(),
            ["seeds_planned"] = s.Seeds,
            ["budgets"] = new JsonObject(s.K.Select(k => KeyValuePair.Create(k.ToString(CultureInfo.InvariantCulture), (JsonNode?)s.BudgetOf(k).Steps))),
            ["threads"] = get_num_threads(),
            ["input_size_study"] = JsonSerializer.SerializeToNode(sizeRows, TransferResults.Json),
            ["runs"] = JsonSerializer.SerializeToNode(rows, TransferResults.Json),
            ["logme"] = JsonSerializer.SerializeToNode(logme, TransferResults.Json),
        };
        File.WriteAllText(Path.Combine(s.OutputDirectory, "transfer.json"), document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(Path.Combine(s.OutputDirectory, "transfer.md"), TransferResults.Table(targets.Select(t => (t.Name, t.Description, t.Labels.Length)).ToList(), s.K, rows, summary, imagenetSize,
            s.K.ToDictionary(k => k, k => s.BudgetOf(k).Steps)));
        foreach (var t in targets)
        {
            var series = rows.Where(r => r.Target == t.Name).GroupBy(r => (r.Base, r.Method)).Select(g =>
            {
                var points = g.GroupBy(r => r.K).OrderBy(p => p.Key).Select(p => (K: (double)p.Key, Acc: p.Average(r => r.Accuracy))).ToArray();
                return ChartSeries.From(g.Key.Method == "scratch" ? "scratch" : $"{g.Key.Base} {g.Key.Method}", points.Select(p => p.K).ToArray(), points.Select(p => p.Acc).ToArray());
            }).ToList();
            var chart = new LineChart
            {
                Title = $"Transfer to {t.Name}: bases and scratch (mean of seeds)",
                XAxisLabel = "labeled examples per class (log scale)",
                YAxisLabel = "test accuracy",
                LogScaleX = true,
                Series = series,
                Width = 760,
            };
            File.WriteAllText(Path.Combine(s.OutputDirectory, $"transfer-{t.Name}.svg"), chart.ToSvg());
        }
        return summary;
    }
}

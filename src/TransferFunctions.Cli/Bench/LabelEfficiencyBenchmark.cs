using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Evaluation;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Strategies;
using TransferFunctions.Pipeline.Reports.Svg;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Cli.Bench;

/// <summary>
/// `bench label-efficiency`: how many labels does transfer save? Target = Fashion-MNIST classes 5–9 (Sandal, Shirt,
/// Sneaker, Bag, Ankle boot), k labeled training images per class drawn with fixed seeds, test = all 5,000 official test
/// images of those classes. Methods linear-probe, fine-tune, scratch and auto adapt the shipped base (trained on classes
/// 0–4) with the per-k step budgets of <see cref="Budget"/>. Writes JSON and an SVG plot; returns the summary line.
/// </summary>
public static class LabelEfficiencyBenchmark
{
    public static readonly int[] FullK = [1, 5, 10, 50, 100, 600, 6000];
    public static readonly int[] QuickK = [10, 100];
    public static readonly int[] TargetClasses = [5, 6, 7, 8, 9];
    public static readonly string[] Methods = ["linear-probe", "fine-tune", "scratch", "auto"];

    /// <summary>Seeds per k: three for k ≤ 100 (small samples vary a lot), one above.</summary>
    public const int SmallKSeeds = 3;

    /// <summary>
    /// Validation examples carved from the k per class: none below <see cref="ValidationFromK"/> (measured: holding out 20%
    /// of 10 or 100 labels costs fine-tuning about a point, more than early stopping gains), else 10%, at most 50 per class.
    /// </summary>
    public const int ValidationFromK = 500;
    public const double ValidationFraction = 0.1;
    public const int MaxValidationPerClass = 50;

    public static int ValidationPerClass(int k) => k < ValidationFromK ? 0 : Math.Min(MaxValidationPerClass, (int)(k * ValidationFraction));

    /// <summary>
    /// Optimizer steps (batch 64, or all examples when fewer) per labels-per-class: a minimum number of updates for tiny
    /// k rather than a number of epochs, about 20 epochs at k = 600 and 3.4 at k = 6000, sized so the whole benchmark
    /// stays under 30 minutes on 2 cores. Every method of one k gets the same budget. Measured sensitivity (one seed):
    /// fine-tune at k = 600 went 96.4% → 96.9% from 700 to 1,200 steps; scratch on all 30,000 went 96.9% → 97.6% from
    /// 1,000 to 2,000 steps.
    /// </summary>
    public static AdaptationBudget Budget(int k) => k switch
    {
        <= 1 => new AdaptationBudget { Steps = 150, BatchSize = 64, ValidationRounds = 5 },
        <= 5 => new AdaptationBudget { Steps = 200, BatchSize = 64, ValidationRounds = 5 },
        <= 10 => new AdaptationBudget { Steps = 250, BatchSize = 64, ValidationRounds = 5 },
        <= 50 => new AdaptationBudget { Steps = 250, BatchSize = 64, ValidationRounds = 5 },
        <= 100 => new AdaptationBudget { Steps = 400, BatchSize = 64, ValidationRounds = 5 },
        <= 600 => new AdaptationBudget { Steps = 1000, BatchSize = 64, ValidationRounds = 5 },
        _ => new AdaptationBudget { Steps = 1600, BatchSize = 64, ValidationRounds = 4 },
    };

    public sealed record Settings(string BasePath, string OutputDirectory, bool Quick, IReadOnlyList<int>? K = null, IReadOnlyList<string>? Methods = null, int? Seeds = null, bool Progress = false, string DataDirectory = FashionMnist.DefaultDirectory, int? Steps = null)
    {
        /// <summary>The budget of <paramref name="k"/>: <see cref="Budget"/>, with <see cref="Steps"/> instead of its steps when given.</summary>
        public AdaptationBudget BudgetOf(int k) => Steps is { } steps ? Budget(k) with { Steps = steps } : Budget(k);
    }

    /// <summary>One method's run on one sample; for auto, <c>ReusedRun</c> means its winner's training is that method's run on the same sample, seed and budget.</summary>
    public sealed record RunResult(string Method, int K, int Seed, double TestAccuracy, double? ValidationAccuracy, double Seconds, string? Chosen, bool ReusedRun = false);

    public static async Task<JsonObject> RunAsync(Settings s, TextWriter log, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        var ks = s.K ?? (s.Quick ? QuickK : FullK);
        var methods = s.Methods ?? Methods;
        using var basePackage = ModelPackage.Load(s.BasePath);
        var spec = basePackage.Card.Input;
        log.WriteLine($"[label-efficiency] base {basePackage.Card.Name} ({s.BasePath}), k = {string.Join(", ", ks)}, methods {string.Join(", ", methods)}, {torch.get_num_threads()} threads");

        var train = await FashionMnist.LoadAsync(train: true, s.DataDirectory, ct);
        var test = await FashionMnist.LoadAsync(train: false, s.DataDirectory, ct);
        var labels = TargetClasses.Select(c => FashionMnist.ClassNames[c]).ToArray();
        var testPositions = Positions(test, labels).SelectMany(p => p).ToArray();
        using var testX = InMemoryTensors.Images(test, testPositions, spec);
        using var testY = InMemoryTensors.Labels(test, testPositions, TargetClasses);
        var byClass = Positions(train, labels);

        var results = new List<RunResult>();
        int SeedsOf(int k) => s.Seeds ?? (s.Quick ? 1 : k <= 100 ? SmallKSeeds : 1);
        var plannedCost = ks.Sum(k => SeedsOf(k) * methods.Sum(m => RelativeCost(m, k, s.BudgetOf(k))));
        var doneCost = 0.0;
        // Probe, fine-tune and auto share the frozen features of each sample instead of each extracting them.
        using var cache = new InMemoryFeatureCache();
        foreach (var k in ks)
        {
            var seeds = SeedsOf(k);
            var budget = s.BudgetOf(k);
            for (var seed = 0; seed < seeds; seed++)
            {
                var (trainIdx, valIdx) = Sample(byClass, k, seed);
                using var trainX = InMemoryTensors.Images(train, trainIdx, spec);
                using var trainY = InMemoryTensors.Labels(train, trainIdx, TargetClasses);
                using var valX = valIdx.Length > 0 ? InMemoryTensors.Images(train, valIdx, spec) : null;
                using var valY = valIdx.Length > 0 ? InMemoryTensors.Labels(train, valIdx, TargetClasses) : null;
                var data = new TargetData
                {
                    TrainInputs = trainX, TrainLabels = trainY, ValidationInputs = valX, ValidationLabels = valY, Labels = labels,
                    Digest = $"fmnist-5to9-k{k}-seed{seed}",
                };
                foreach (var method in methods)
                {
                    var context = new AdaptationContext { Base = basePackage, Data = data, Seed = seed, Budget = budget, Callbacks = s.Progress ? [new Console.ConsoleProgress()] : [], FeatureCache = cache };
                    var result = method == AutoStrategy.StrategyName
                        ? RunAuto(k, context, results.Where(r => r.K == k && r.Seed == seed).ToList(), testX, testY, ct)
                        : Run(method, k, context, testX, testY, ct);
                    results.Add(result);
                    doneCost += RelativeCost(method, k, budget);
                    var eta = TimeSpan.FromSeconds(total.Elapsed.TotalSeconds / doneCost * (plannedCost - doneCost));
                    log.WriteLine($"[label-efficiency] k={k,-5} seed={seed} {method,-12} test {result.TestAccuracy:P2}  val {result.ValidationAccuracy?.ToString("P1", CultureInfo.InvariantCulture) ?? "-",6}  {result.Seconds,6:F1}s" +
                                  $"{(result.Chosen is null ? "" : $"  chose {result.Chosen}")}{(result.ReusedRun ? " (its run above)" : "")}   (total {total.Elapsed:m\\:ss}, ETA {eta:m\\:ss})");
                }
            }
        }
        var summary = Summarize(ks, methods, results);
        summary["seconds"] = Math.Round(total.Elapsed.TotalSeconds, 1);
        var budgets = new JsonObject();
        foreach (var k in ks)
        {
            var b = s.BudgetOf(k);
            budgets[k.ToString(CultureInfo.InvariantCulture)] = new JsonObject { ["steps"] = b.Steps, ["batch_size"] = b.BatchSize, ["validation_rounds"] = b.ValidationRounds };
        }
        Write(s.OutputDirectory, ks, methods, results, summary, budgets);
        log.WriteLine($"[label-efficiency] wrote {Path.Combine(s.OutputDirectory, "label-efficiency.json")} and .svg in {total.Elapsed:m\\:ss}");
        return summary;
    }

    /// <summary>
    /// Roughly how long one method's run at <paramref name="k"/> takes relative to the others, for the sweep's ETA (fit to
    /// a measured sweep): per step a fixed cost plus one proportional to the batch, a test pass, feature extraction for
    /// the probe, and for auto its quick comparison, which only runs when validation data is held out.
    /// </summary>
    internal static double RelativeCost(string method, int k, AdaptationBudget budget)
    {
        var examples = k * TargetClasses.Length;
        var training = budget.Steps * (0.02 + 0.1 * Math.Min(budget.BatchSize, examples) / 64.0) + 3;
        return method switch
        {
            "linear-probe" => 3 + examples / 2000.0,
            AutoStrategy.StrategyName => ValidationPerClass(k) > 0 ? 0.25 * training * (k >= AutoOptions.Default.ManyLabelsPerClass ? 2 : 1) : 1,
            _ => training,
        };
    }

    private static RunResult Run(string method, int k, AdaptationContext context, Tensor testX, Tensor testY, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        using var outcome = StrategyRegistry.Create(method).Adapt(context, ct);
        var accuracy = ModelEvaluator.Accuracy(outcome.Model.Model, testX, testY, cancellationToken: ct);
        return new RunResult(method, k, context.Seed, accuracy, outcome.Report.ValidationAccuracy, watch.Elapsed.TotalSeconds, null);
    }

    /// <summary>
    /// auto (default options, like every other method here) decides, then trains its winner with the whole budget. When
    /// that winner already ran on this sample (same seed and budget), training it again would reproduce the same model — strategies are
    /// deterministic for a seed, which a test holds — so its accuracy is taken and its time added to the decision's.
    /// </summary>
    private static RunResult RunAuto(int k, AdaptationContext context, IReadOnlyList<RunResult> sameSample, Tensor testX, Tensor testY, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var auto = new AutoStrategy();
        var decision = auto.Decide(context, ct);
        if (sameSample.FirstOrDefault(r => r.Method == decision.Chosen) is { } done)
            return new RunResult(AutoStrategy.StrategyName, k, context.Seed, done.TestAccuracy, done.ValidationAccuracy, watch.Elapsed.TotalSeconds + done.Seconds, decision.Chosen, ReusedRun: true);
        // The completed outcome wraps the winner's model, so disposing it disposes both.
        using var outcome = auto.Complete(context, decision, auto.CreateCandidate(decision.Chosen).Adapt(context, ct));
        var accuracy = ModelEvaluator.Accuracy(outcome.Model.Model, testX, testY, cancellationToken: ct);
        return new RunResult(AutoStrategy.StrategyName, k, context.Seed, accuracy, outcome.Report.ValidationAccuracy, watch.Elapsed.TotalSeconds, decision.Chosen);
    }

    /// <summary>Training positions of each target class (in file order).</summary>
    private static int[][] Positions(DatasetDescription data, IReadOnlyList<string> labels) =>
        labels.Select(l => Enumerable.Range(0, data.Examples.Count).Where(i => data.Examples[i].Label == l).ToArray()).ToArray();

    /// <summary>k examples per class drawn with a seed (independent of k's other values), the first 20% of them held out for validation.</summary>
    internal static (int[] Train, int[] Validation) Sample(int[][] byClass, int k, int seed)
    {
        var train = new List<int>();
        var validation = new List<int>();
        for (var c = 0; c < byClass.Length; c++)
        {
            var shuffled = byClass[c].ToArray();
            new Random(seed * 7919 + c).Shuffle(shuffled);
            var take = shuffled.Take(Math.Min(k, shuffled.Length)).ToArray();
            var held = ValidationPerClass(take.Length);
            validation.AddRange(take.Take(held));
            train.AddRange(take.Skip(held));
        }
        // Shuffled so any prefix (LogME uses the first rows) covers every class.
        var order = train.ToArray();
        new Random(seed).Shuffle(order);
        return (order, validation.ToArray());
    }

    /// <summary>Mean test accuracy of <paramref name="method"/> over the seeds of <paramref name="k"/>, rounded to 4 places; null when it did not run.</summary>
    private static double? Mean(IReadOnlyList<RunResult> results, string method, int k)
    {
        var runs = results.Where(r => r.Method == method && r.K == k).ToList();
        return runs.Count == 0 ? null : Math.Round(runs.Average(r => r.TestAccuracy), 4);
    }

    internal static JsonObject Summarize(IReadOnlyList<int> ks, IReadOnlyList<string> methods, List<RunResult> results)
    {
        double? Mean(string method, int k) => LabelEfficiencyBenchmark.Mean(results, method, k);
        JsonObject PerK(string method)
        {
            var o = new JsonObject();
            foreach (var k in ks)
                if (Mean(method, k) is { } m) o[k.ToString(CultureInfo.InvariantCulture)] = m;
            return o;
        }
        var summary = new JsonObject { ["k"] = new JsonArray(ks.Select(k => (JsonNode)k).ToArray()) };
        foreach (var (method, key) in new[] { ("linear-probe", "probe"), ("fine-tune", "finetune"), ("scratch", "scratch"), ("auto", "auto") })
            if (methods.Contains(method)) summary[key] = PerK(method);
        var scratchAll = ks.Contains(6000) ? Mean("scratch", 6000) : null;
        summary["scratch_all"] = scratchAll;
        summary["labels_saved"] = LabelsSaved("fine-tune", ks, scratchAll, Mean);
        return summary;
    }

    /// <summary>
    /// 30,000 divided by the fewest labels at which <paramref name="method"/>'s mean accuracy comes within one point of
    /// scratch trained on all of them; null without that reference or when no k gets there.
    /// </summary>
    internal static double? LabelsSaved(string method, IReadOnlyList<int> ks, double? scratchAll, Func<string, int, double?> mean)
    {
        if (scratchAll is not { } all) return null;
        foreach (var k in ks.Order())
            if (mean(method, k) is { } accuracy && accuracy >= all - 0.01)
                return Math.Round(30000.0 / (k * TargetClasses.Length), 1);
        return null;
    }

    /// <summary>
    /// Summarizes and plots the runs of an earlier <c>label-efficiency.json</c> again (e.g. after the summary or the plot
    /// changed) into <paramref name="outputDirectory"/>, keeping its budgets and duration; trains nothing.
    /// </summary>
    public static JsonObject Replot(string resultsFile, string outputDirectory)
    {
        var document = JsonNode.Parse(File.ReadAllText(resultsFile)) as JsonObject
            ?? throw new InvalidDataException($"{resultsFile} is not a label-efficiency results document");
        var runs = document["runs"]?.AsArray() ?? throw new InvalidDataException($"{resultsFile} has no \"runs\"");
        var results = runs.Select(r => new RunResult(
            r!["method"]!.GetValue<string>(), r["k"]!.GetValue<int>(), r["seed"]!.GetValue<int>(), r["test_accuracy"]!.GetValue<double>(),
            r["validation_accuracy"]?.GetValue<double>(), r["seconds"]!.GetValue<double>(), r["chosen"]?.GetValue<string>(),
            r["reused_run"]?.GetValue<bool>() ?? false)).ToList();
        var ks = results.Select(r => r.K).Distinct().Order().ToArray();
        var methods = Methods.Where(m => results.Any(r => r.Method == m)).ToArray();
        var summary = Summarize(ks, methods, results);
        if (document["summary"]?["seconds"] is { } seconds) summary["seconds"] = seconds.DeepClone();
        Write(outputDirectory, ks, methods, results, summary, document["budgets"]?.DeepClone().AsObject() ?? new JsonObject());
        return summary;
    }

    private static void Write(string directory, IReadOnlyList<int> ks, IReadOnlyList<string> methods, List<RunResult> results, JsonObject summary, JsonObject budgets)
    {
        Directory.CreateDirectory(directory);
        var runs = new JsonArray(results.Select(r => (JsonNode)new JsonObject
        {
            ["method"] = r.Method, ["k"] = r.K, ["seed"] = r.Seed, ["test_accuracy"] = Math.Round(r.TestAccuracy, 4),
            ["validation_accuracy"] = r.ValidationAccuracy is { } v ? Math.Round(v, 4) : null, ["seconds"] = Math.Round(r.Seconds, 1),
            ["chosen"] = r.Chosen, ["reused_run"] = r.Method == AutoStrategy.StrategyName ? r.ReusedRun : null,
        }).ToArray());
        var document = new JsonObject
        {
            ["summary"] = summary.DeepClone(),
            ["target"] = "Fashion-MNIST classes 5-9 (Sandal, Shirt, Sneaker, Bag, Ankle boot); test = the 5,000 official test images of those classes",
            ["budgets"] = budgets,
            ["validation"] = $"none below k = {ValidationFromK}; from there {ValidationFraction:P0} of the k examples per class held out, at most {MaxValidationPerClass} per class",
            // The same figure for every method: whether a saving comes from transfer or scratch gets there as well.
            ["labels_saved_by_method"] = new JsonObject(methods.Select(m => KeyValuePair.Create(m, (JsonNode?)LabelsSaved(m, ks, summary["scratch_all"]?.GetValue<double>(), (method, k) => Mean(results, method, k))))),
            ["runs"] = runs,
        };
        File.WriteAllText(Path.Combine(directory, "label-efficiency.json"), document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

        // auto first, so the method it chose (drawn later) stays visible where both lines coincide.
        var autoChoices = results.Where(r => r.Method == AutoStrategy.StrategyName).Select(r => r.Chosen).Distinct().ToList();
        string SeriesName(string m) => m == AutoStrategy.StrategyName && autoChoices is [{ } only] ? $"auto (chose {only})" : m;
        var series = methods.OrderBy(m => m == AutoStrategy.StrategyName ? 0 : 1).Select(m =>
        {
            var points = ks.Select(k => (K: (double)k, Accuracy: Mean(results, m, k))).Where(p => p.Accuracy is not null).ToArray();
            return ChartSeries.From(SeriesName(m), points.Select(p => p.K).ToArray(), points.Select(p => p.Accuracy!.Value).ToArray());
        }).ToList();
        if (summary["scratch_all"]?.GetValue<double>() is { } all)
        {
            series.Add(ChartSeries.From("scratch, all 30,000", [ks.Min(), ks.Max()], [all, all]));
            series.Add(ChartSeries.From("1 point below it", [ks.Min(), ks.Max()], [all - 0.01, all - 0.01]));
        }
        var chart = new LineChart
        {
            Title = "Label efficiency: Fashion-MNIST 0-4 base adapted to classes 5-9",
            XAxisLabel = "labeled examples per class (log scale)",
            YAxisLabel = "test accuracy",
            LogScaleX = true,
            Series = series,
            Width = 760,
        };
        File.WriteAllText(Path.Combine(directory, "label-efficiency.svg"), chart.ToSvg());
    }
}

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
/// `bench transfer`: does a base's knowledge transfer, and from which base? On the same target data and budgets, the
/// Fashion-compact base, the ImageNet ResNet-18 and scratch (the compact architecture from random weights), each
/// base as linear probe and fine-tune, at k labels per class, on Fashion-MNIST classes 5–9 (test: the 5,000 official
/// test images) and on letters A–J rendered from the installed fonts (test: every image of the held-out font
/// families). Optionally first measures the ImageNet base's input size (linear probe at k = 100 per size).
/// </summary>
public static class TransferBenchmark
{
    public static readonly int[] DefaultK = [10, 100];
    public static readonly string[] Targets = ["fashion-5-9", "letters-a-j"];

    public sealed record Settings(string CompactBase, string ImageNetBase, string OutputDirectory, IReadOnlyList<int> K, int Seeds, IReadOnlyList<int> Sizes, int? Steps, IReadOnlyList<string> Targets);

    public sealed record Row(string Target, string Base, string Method, int K, int Seed, int TrainExamples, double Accuracy, double Seconds, int? InputSize = null);

    /// <summary>A target domain: its labels, train pool by class, test positions, and how to turn positions into model inputs.</summary>
    private sealed record Target(string Name, string[] Labels, int[][] TrainByClass, int[] Test, Func<IReadOnlyList<int>, InputSpec, Tensor> Images, Func<IReadOnlyList<int>, Tensor> LabelsOf, string Description);

    public static async Task<JsonObject> RunAsync(Settings s, TextWriter log, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        using var compact = ModelPackage.Load(s.CompactBase);
        using var imagenet = ModelPackage.Load(s.ImageNetBase);
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

        // Input size of the ImageNet base: the same probe at each size (k = 100 or the largest k asked for).
        var sizeRows = new List<Row>();
        var sizeK = s.K.Contains(100) ? 100 : s.K.Max();
        foreach (var size in s.Sizes)
        {
            var resized = new ModelPackage(imagenet.Card with { Input = imagenet.Card.Input with { Height = size, Width = size } }, imagenet.Model);
            foreach (var target in targets)
            {
                var row = Run(target, resized, "imagenet-resnet18", "linear-probe", sizeK, 0, s, cache, ct) with { InputSize = size };
                sizeRows.Add(row);
                log.WriteLine($"[transfer] size {size,3} {target.Name,-12} probe k={sizeK}: {row.Accuracy:P2} in {row.Seconds:F1}s   (total {total.Elapsed:m\\:ss})");
            }
        }

        var rows = new List<Row>();
        foreach (var target in targets)
            foreach (var k in s.K)
                for (var seed = 0; seed < s.Seeds; seed++)
                    foreach (var (basePackage, baseName, method) in new[]
                    {
                        (compact, "fashion-compact", "linear-probe"), (compact, "fashion-compact", "fine-tune"),
                        (imagenet, "imagenet-resnet18", "linear-probe"), (imagenet, "imagenet-resnet18", "fine-tune"),
                        (compact, "none", "scratch"),
                    })
                    {
                        var row = Run(target, basePackage, baseName, method, k, seed, s, cache, ct);
                        rows.Add(row);
                        log.WriteLine($"[transfer] {target.Name,-12} k={k,-4} seed={seed} {baseName,-18} {method,-12} {row.Accuracy:P2}  {row.Seconds,6:F1}s  ({row.TrainExamples} train)   (total {total.Elapsed:m\\:ss})");
                    }

        var summary = Summarize(targets.Select(t => t.Name).ToList(), s.K, rows);
        summary["seconds"] = Math.Round(total.Elapsed.TotalSeconds, 1);
        Write(s, targets, rows, sizeRows, summary, imagenet.Card.Input.Height);
        log.WriteLine($"[transfer] wrote {Path.Combine(s.OutputDirectory, "transfer.json")} and SVGs in {total.Elapsed:m\\:ss}");
        return summary;
    }

    private static Row Run(Target target, ModelPackage basePackage, string baseName, string method, int k, int seed, Settings s, InMemoryFeatureCache cache, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var spec = basePackage.Card.Input;
        var train = LabelEfficiencyBenchmark.Sample(target.TrainByClass, k, seed).Train;
        using var scope = NewDisposeScope();
        var trainX = target.Images(train, spec);
        var trainY = target.LabelsOf(train);
        var data = new TargetData { TrainInputs = trainX, TrainLabels = trainY, Labels = target.Labels, Digest = $"{target.Name}-k{k}-seed{seed}-{spec.Height}px" };
        var budget = LabelEfficiencyBenchmark.Budget(k);
        if (s.Steps is { } steps) budget = budget with { Steps = steps };
        var context = new AdaptationContext { Base = basePackage, Data = data, Seed = seed, Budget = budget, FeatureCache = cache };
        using var outcome = StrategyRegistry.Create(method).Adapt(context, ct);
        var testX = target.Images(target.Test, spec);
        var testY = target.LabelsOf(target.Test);
        var accuracy = ModelEvaluator.Accuracy(outcome.Model.Model, testX, testY, cancellationToken: ct);
        return new Row(target.Name, baseName, method, k, seed, train.Length, accuracy, watch.Elapsed.TotalSeconds);
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

    internal static JsonObject Summarize(IReadOnlyList<string> targets, IReadOnlyList<int> ks, IReadOnlyList<Row> rows)
    {
        var grouped = rows.GroupBy(r => (r.Target, r.Base, r.Method, r.K)).Select(g => new Row(g.Key.Target, g.Key.Base, g.Key.Method, g.Key.K, -1, g.First().TrainExamples,
            Math.Round(g.Average(r => r.Accuracy), 4), Math.Round(g.Average(r => r.Seconds), 1))).ToList();
        var best = new JsonObject();
        foreach (var t in targets)
        {
            var at10 = grouped.Where(r => r.Target == t && r.K == (ks.Contains(10) ? 10 : ks.Min())).ToList();
            var scratch = at10.FirstOrDefault(r => r.Method == "scratch");
            var top = at10.Where(r => r.Method != "scratch").MaxBy(r => r.Accuracy);
            if (scratch is null || top is null) continue;
            best[t] = new JsonObject
            {
                ["base"] = top.Base, ["method"] = top.Method, ["accuracy"] = top.Accuracy, ["scratch"] = scratch.Accuracy,
                ["gain"] = Math.Round(top.Accuracy - scratch.Accuracy, 4),
            };
        }
        return new JsonObject
        {
            ["targets"] = new JsonArray(targets.Select(t => (JsonNode)t).ToArray()),
            ["rows"] = new JsonArray(grouped.Select(r => (JsonNode)new JsonObject
            {
                ["target"] = r.Target, ["base"] = r.Base, ["method"] = r.Method, ["k"] = r.K, ["accuracy"] = r.Accuracy, ["seconds"] = r.Seconds,
            }).ToArray()),
            ["best_vs_scratch_at_10"] = best,
        };
    }

    private static void Write(Settings s, IReadOnlyList<Target> targets, List<Row> rows, List<Row> sizeRows, JsonObject summary, int imagenetSize)
    {
        Directory.CreateDirectory(s.OutputDirectory);
        JsonArray Runs(IEnumerable<Row> rs) => new(rs.Select(r => (JsonNode)new JsonObject
        {
            ["target"] = r.Target, ["base"] = r.Base, ["method"] = r.Method, ["k"] = r.K, ["seed"] = r.Seed, ["train_examples"] = r.TrainExamples,
            ["accuracy"] = Math.Round(r.Accuracy, 4), ["seconds"] = Math.Round(r.Seconds, 1), ["input_size"] = r.InputSize,
        }).ToArray());
        var document = new JsonObject
        {
            ["summary"] = summary.DeepClone(),
            ["targets"] = new JsonObject(targets.Select(t => KeyValuePair.Create(t.Name, (JsonNode?)t.Description))),
            ["imagenet_input_size"] = imagenetSize,
            ["seeds"] = s.Seeds,
            ["budgets"] = new JsonObject(s.K.Select(k => KeyValuePair.Create(k.ToString(CultureInfo.InvariantCulture), (JsonNode?)(s.Steps ?? LabelEfficiencyBenchmark.Budget(k).Steps)))),
            ["threads"] = get_num_threads(),
            ["input_size_study"] = Runs(sizeRows),
            ["runs"] = Runs(rows),
        };
        File.WriteAllText(Path.Combine(s.OutputDirectory, "transfer.json"), document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        foreach (var t in targets)
        {
            var series = rows.Where(r => r.Target == t.Name).GroupBy(r => (r.Base, r.Method)).Select(g =>
            {
                var points = g.GroupBy(r => r.K).OrderBy(p => p.Key).Select(p => (K: (double)p.Key, Acc: p.Average(r => r.Accuracy))).ToArray();
                return ChartSeries.From(g.Key.Method == "scratch" ? "scratch" : $"{g.Key.Base} {g.Key.Method}", points.Select(p => p.K).ToArray(), points.Select(p => p.Acc).ToArray());
            }).ToList();
            var chart = new LineChart
            {
                Title = $"Transfer to {t.Name}: bases and scratch",
                XAxisLabel = "labeled examples per class (log scale)",
                YAxisLabel = "test accuracy",
                LogScaleX = true,
                Series = series,
                Width = 760,
            };
            File.WriteAllText(Path.Combine(s.OutputDirectory, $"transfer-{t.Name}.svg"), chart.ToSvg());
        }
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TransferFunctions.Cli.Bench;

/// <summary>The transfer benchmark's numbers: mean ± sd per cell, the gain over scratch, LogME's pick, and the Markdown table.</summary>
public static class TransferResults
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>One cell over its seeds: mean and sample standard deviation (0 for one seed).</summary>
    public sealed record Cell(string Target, string Base, string Method, int K, int Seeds, int TrainExamples, double Mean, double Sd, double Seconds);

    public static IReadOnlyList<Cell> Cells(IEnumerable<TransferBenchmark.Row> rows) =>
        rows.GroupBy(r => (r.Target, r.Base, r.Method, r.K)).Select(g =>
        {
            var a = g.Select(r => r.Accuracy).ToArray();
            var mean = a.Average();
            var sd = a.Length > 1 ? Math.Sqrt(a.Sum(x => (x - mean) * (x - mean)) / (a.Length - 1)) : 0;
            return new Cell(g.Key.Target, g.Key.Base, g.Key.Method, g.Key.K, a.Length, g.First().TrainExamples, mean, sd, g.Average(r => r.Seconds));
        }).ToList();

    /// <summary>
    /// For each sample (target, k, seed) where both bases were scored and fine-tuned: LogME's first choice and the base whose
    /// fine-tune scored best. A pick counts as right when its fine-tune is at least as accurate as the other's (ties are right).
    /// </summary>
    public static JsonObject LogMePick(IReadOnlyList<TransferBenchmark.Row> rows, IReadOnlyList<TransferBenchmark.LogMeRow> logme)
    {
        var cases = new JsonArray();
        var right = 0;
        foreach (var sample in logme.GroupBy(l => (l.Target, l.K, l.Seed)))
        {
            var scores = sample.ToDictionary(l => l.Base, l => l.Score);
            var tuned = rows.Where(r => r.Target == sample.Key.Target && r.K == sample.Key.K && r.Seed == sample.Key.Seed && r.Method == "fine-tune" && scores.ContainsKey(r.Base))
                .ToDictionary(r => r.Base, r => r.Accuracy);
            if (scores.Count < 2 || tuned.Count != scores.Count) continue;
            var pick = scores.MaxBy(kv => kv.Value).Key;
            var best = tuned.MaxBy(kv => kv.Value).Key;
            var ok = tuned[pick] >= tuned[best];
            if (ok) right++;
            cases.Add(new JsonObject
            {
                ["target"] = sample.Key.Target, ["k"] = sample.Key.K, ["seed"] = sample.Key.Seed, ["logme_pick"] = pick, ["best_fine_tune"] = best, ["right"] = ok,
                ["logme"] = new JsonObject(scores.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)Math.Round(kv.Value, 4)))),
                ["fine_tune"] = new JsonObject(tuned.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)Math.Round(kv.Value, 4)))),
            });
        }
        return new JsonObject { ["right"] = right, ["of"] = cases.Count, ["cases"] = cases };
    }

    internal static JsonObject Summarize(IReadOnlyList<string> targets, IReadOnlyList<int> ks, IReadOnlyList<TransferBenchmark.Row> rows, IReadOnlyList<TransferBenchmark.LogMeRow> logme)
    {
        var cells = Cells(rows);
        var best = new JsonObject();
        foreach (var t in targets)
        {
            var at10 = cells.Where(r => r.Target == t && r.K == (ks.Contains(10) ? 10 : ks.Min())).ToList();
            var scratch = at10.FirstOrDefault(r => r.Method == "scratch");
            var top = at10.Where(r => r.Method != "scratch").MaxBy(r => r.Mean);
            if (scratch is null || top is null) continue;
            best[t] = new JsonObject
            {
                ["base"] = top.Base, ["method"] = top.Method, ["accuracy"] = Math.Round(top.Mean, 4), ["scratch"] = Math.Round(scratch.Mean, 4),
                ["gain"] = Math.Round(top.Mean - scratch.Mean, 4),
            };
        }
        var pick = LogMePick(rows, logme);
        return new JsonObject
        {
            ["targets"] = new JsonArray(targets.Select(t => (JsonNode)t).ToArray()),
            ["rows"] = new JsonArray(cells.Select(r => (JsonNode)new JsonObject
            {
                ["target"] = r.Target, ["base"] = r.Base, ["method"] = r.Method, ["k"] = r.K, ["accuracy"] = Math.Round(r.Mean, 4), ["sd"] = Math.Round(r.Sd, 4),
                ["seeds"] = r.Seeds, ["seconds"] = Math.Round(r.Seconds, 1),
            }).ToArray()),
            ["best_vs_scratch_at_10"] = best,
            ["logme_pick"] = new JsonObject { ["right"] = pick["right"]!.GetValue<int>(), ["of"] = pick["of"]!.GetValue<int>() },
        };
    }

    /// <summary>The Markdown table: one line per target and k, accuracy mean ± sd over seeds (in points) and mean seconds per cell.</summary>
    public static string Table(IReadOnlyList<(string Name, string Description, int Classes)> targets, IReadOnlyList<int> ks, IReadOnlyList<TransferBenchmark.Row> rows, JsonObject summary, int imagenetSize, IReadOnlyDictionary<int, int> steps)
    {
        var inv = CultureInfo.InvariantCulture;
        var cells = Cells(rows);
        var columns = new[] { (TransferBenchmark.CompactName, "linear-probe"), (TransferBenchmark.CompactName, "fine-tune"), (TransferBenchmark.ImageNetName, "linear-probe"), (TransferBenchmark.ImageNetName, "fine-tune"), ("none", "scratch") };
        var b = new StringBuilder();
        b.AppendLine(inv, $"Test accuracy, mean ± sd over seeds (in %), mean seconds per run in brackets. ImageNet base at {imagenetSize} px; optimizer steps (batch 64) of every fine-tune and scratch run: {string.Join(", ", steps.Select(kv => $"k = {kv.Key}: {kv.Value}"))}.");
        b.AppendLine();
        b.AppendLine("| target | k | seeds | compact probe | compact fine-tune | ImageNet probe | ImageNet fine-tune | scratch |");
        b.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (name, _, classes) in targets)
            foreach (var k in ks)
            {
                var line = columns.Select(c => cells.FirstOrDefault(x => x.Target == name && x.K == k && x.Base == c.Item1 && x.Method == c.Item2)).ToList();
                if (line.All(c => c is null)) continue;
                var top = line.Where(c => c is not null).Max(c => c!.Mean);
                var train = line.First(c => c is not null)!.TrainExamples;
                var perClass = train / classes;
                var seeds = line.Where(c => c is not null).Min(c => c!.Seeds);
                b.Append(inv, $"| {name} | {k}{(perClass != k ? $" ({perClass} available)" : "")} | {seeds} |");
                foreach (var c in line)
                {
                    if (c is null) { b.Append(" not run |"); continue; }
                    var text = c.Seeds > 1 ? $"{100 * c.Mean:F1} ± {100 * c.Sd:F1} ({c.Seconds:F0} s)" : $"{100 * c.Mean:F1} (1 seed, {c.Seconds:F0} s)";
                    b.Append(c.Mean == top ? $" **{text}** |" : $" {text} |");
                }
                b.AppendLine();
            }
        b.AppendLine();
        foreach (var (name, description, _) in targets) b.AppendLine(inv, $"- {name}: {description}");
        foreach (var group in rows.Where(r => r.LossChange is not null).GroupBy(r => (r.Base, r.Method)).OrderBy(g => g.Key.Method).ThenBy(g => g.Key.Base))
        {
            var changes = group.Select(r => r.LossChange!.Value).ToList();
            b.AppendLine(inv, $"- {(group.Key.Method == "scratch" ? "scratch" : $"{group.Key.Base} {group.Key.Method}")}: training loss over the last fifth of the steps changed by {100 * changes.Average():F1}% on average ({100 * changes.Min():F1}% to {100 * changes.Max():F1}%, {changes.Count} runs).");
        }
        var pick = summary["logme_pick"]!;
        b.AppendLine(inv, $"- LogME's first choice of base was the better fine-tune in {pick["right"]} of {pick["of"]} samples (target × k × seed).");
        return b.ToString();
    }
}

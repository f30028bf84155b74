using System.Text.Json;
using System.Text.Json.Nodes;
using TransferFunctions.Cli.Bench;
using TransferFunctions.Cli.Tests.Commands;
using TransferFunctions.Cli.Tests.TestSupport;

namespace TransferFunctions.Cli.Tests.Bench;

[Collection(CliCollection.Name)]
public sealed class LabelEfficiencyBenchmarkTests(BaseModelFixture fixture)
{
    private static int[][] FiveClassesOf(int perClass) =>
        Enumerable.Range(0, 5).Select(c => Enumerable.Range(c * 10_000, perClass).ToArray()).ToArray();

    [Theory]
    [InlineData(10, 0)]
    [InlineData(100, 0)]
    [InlineData(600, 50)]
    [InlineData(6000, 50)]
    public void Sample_draws_k_per_class_and_holds_out_validation_only_for_large_k(int k, int validationPerClass)
    {
        var byClass = FiveClassesOf(6000);

        var (train, validation) = LabelEfficiencyBenchmark.Sample(byClass, k, seed: 1);

        Assert.Equal(5 * (k - validationPerClass), train.Length);
        Assert.Equal(5 * validationPerClass, validation.Length);
        Assert.Empty(train.Intersect(validation));
        Assert.Equal(train.Length, train.Distinct().Count());
        for (var c = 0; c < 5; c++)
            Assert.Equal(k - validationPerClass, train.Count(i => i / 10_000 == c));
        // LogME reads a prefix of the training rows, so the order must mix classes.
        Assert.Equal(5, train.Take(Math.Min(train.Length, 40)).Select(i => i / 10_000).Distinct().Count());
    }

    [Fact]
    public void Sample_is_fixed_by_its_seed_and_differs_between_seeds()
    {
        var byClass = FiveClassesOf(6000);

        var a = LabelEfficiencyBenchmark.Sample(byClass, 10, seed: 0).Train;
        var again = LabelEfficiencyBenchmark.Sample(byClass, 10, seed: 0).Train;
        var other = LabelEfficiencyBenchmark.Sample(byClass, 10, seed: 1).Train;

        Assert.Equal(a, again);
        Assert.NotEqual(a.Order(), other.Order());
    }

    private static LabelEfficiencyBenchmark.RunResult Run(string method, int k, double accuracy, int seed = 0) =>
        new(method, k, seed, accuracy, null, 1, null);

    [Fact]
    public void Labels_saved_divides_30000_by_the_fewest_labels_where_fine_tune_is_within_a_point_of_scratch_on_all()
    {
        int[] ks = [10, 100, 600, 6000];
        var results = new List<LabelEfficiencyBenchmark.RunResult>
        {
            Run("fine-tune", 10, 0.88), Run("fine-tune", 100, 0.95), Run("fine-tune", 100, 0.96, seed: 1),
            Run("fine-tune", 600, 0.967), Run("fine-tune", 6000, 0.975),
            Run("scratch", 10, 0.85), Run("scratch", 100, 0.94), Run("scratch", 600, 0.96), Run("scratch", 6000, 0.976),
        };

        var summary = LabelEfficiencyBenchmark.Summarize(ks, ["fine-tune", "scratch"], results);

        Assert.Equal(0.976, summary["scratch_all"]!.GetValue<double>());
        Assert.Equal(0.955, summary["finetune"]!["100"]!.GetValue<double>(), 6);
        // k = 100 averages 95.5%, more than a point below 97.6%; k = 600 (3,000 labels) is within: 30,000 / 3,000.
        Assert.Equal(10, summary["labels_saved"]!.GetValue<double>());
        Assert.False(summary.ContainsKey("probe"));
        // Scratch itself gets within a point only with all the labels (96.0% at k = 600).
        double? Mean(string method, int k) => summary[method == "fine-tune" ? "finetune" : method]![k.ToString()]?.GetValue<double>();
        Assert.Equal(1, LabelEfficiencyBenchmark.LabelsSaved("scratch", ks, 0.976, Mean));
        Assert.Null(LabelEfficiencyBenchmark.LabelsSaved("scratch", ks, null, Mean));
    }

    [Fact]
    public void Labels_saved_is_one_when_only_all_the_labels_come_within_a_point_and_null_without_scratch_on_all()
    {
        var results = new List<LabelEfficiencyBenchmark.RunResult>
        {
            Run("fine-tune", 600, 0.95), Run("fine-tune", 6000, 0.977), Run("scratch", 6000, 0.977),
        };

        Assert.Equal(1, LabelEfficiencyBenchmark.Summarize([600, 6000], ["fine-tune", "scratch"], results)["labels_saved"]!.GetValue<double>());
        var withoutAll = LabelEfficiencyBenchmark.Summarize([600], ["fine-tune", "scratch"], results);
        Assert.Null(withoutAll["scratch_all"]);
        Assert.Null(withoutAll["labels_saved"]);
    }

    [Fact]
    public async Task Bench_prints_its_line_and_writes_json_and_svg_with_auto_reusing_its_winners_run()
    {
        using var output = new TemporaryFolder();

        var (code, stdout, stderr) = await CliRun.RunAsync("bench", "label-efficiency", "--base", fixture.BaseDirectory, "--output", output.Path,
            "--k", "3", "--methods", "linear-probe", "fine-tune", "auto", "--seeds", "1", "--steps", "15");

        Assert.True(code == 0, stderr);
        var line = JsonNode.Parse(CliRun.LastLine(stdout))!;
        Assert.Equal([3], line["k"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.InRange(line["probe"]!["3"]!.GetValue<double>(), 0.3, 1);
        Assert.InRange(line["finetune"]!["3"]!.GetValue<double>(), 0.3, 1);
        Assert.Equal(line["finetune"]!["3"]!.GetValue<double>(), line["auto"]!["3"]!.GetValue<double>());
        Assert.Null(line["scratch_all"]);
        Assert.Null(line["labels_saved"]);

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output.Path, "label-efficiency.json")));
        var runs = document.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(3, runs.Count);
        var auto = runs.Single(r => r.GetProperty("method").GetString() == "auto");
        Assert.Equal("fine-tune", auto.GetProperty("chosen").GetString());
        Assert.True(auto.GetProperty("reused_run").GetBoolean());
        Assert.Equal(15, document.RootElement.GetProperty("budgets").GetProperty("3").GetProperty("steps").GetInt32());
        var svg = await File.ReadAllTextAsync(Path.Combine(output.Path, "label-efficiency.svg"));
        Assert.StartsWith("<svg", svg.TrimStart());
        Assert.Contains("fine-tune", svg);
        Assert.Contains("auto (chose fine-tune)", svg);

        // Re-summarizing the saved runs trains nothing and gives the same line, budgets and plot.
        var again = Path.Combine(output.Path, "replot");
        var (replotCode, replotOut, replotErr) = await CliRun.RunAsync("bench", "label-efficiency", "--from", Path.Combine(output.Path, "label-efficiency.json"), "--output", again);
        Assert.True(replotCode == 0, replotErr);
        Assert.Equal(CliRun.LastLine(stdout), CliRun.LastLine(replotOut));
        Assert.Equal(svg, await File.ReadAllTextAsync(Path.Combine(again, "label-efficiency.svg")));
        using var replotted = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(again, "label-efficiency.json")));
        Assert.Equal(15, replotted.RootElement.GetProperty("budgets").GetProperty("3").GetProperty("steps").GetInt32());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TransferFunctions.Cli.Tests.TestSupport;
using TransferFunctions.Importers.Onnx;
using TransferFunctions.Learning.Models;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Promotion;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Tests.Commands;

/// <summary>
/// The ImageNet ResNet-18 used by its name, <c>imagenet-resnet18</c>, on every path a user has: <c>transfer adapt --base</c>,
/// <c>adapt --project --base</c>, a project's settings, and the <c>baseModel</c> of an HTTP request to <c>transfer serve</c>.
/// Each runs for real on a few Fashion-MNIST images with a tiny budget; what is checked is that the ImageNet weights were
/// the base (the adapted card names it with its weights digest and the licence of the NuGet package it came from) and
/// that a headless feature extractor does not fail the gate's default source-retention floor, which it cannot measure.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ImageNetBaseTests(ImageNetBaseFixture imagenet) : IClassFixture<ImageNetBaseFixture>, IDisposable
{
    private const string Base = ImageNetResNet18Source.BaseName;
    private const int Steps = 2;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(15);
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The default policy, loosened only where a two-step model cannot be expected to win; the retention floor stays the default.</summary>
    private static readonly PromotionPolicy Policy = ServeTestHost.Lenient with { RetentionFloor = null };

    private async Task<string> DataFolderAsync(string name)
    {
        var staging = Path.Combine(_folder.Path, "staging-" + name);
        await ServeTestHost.DeliverAsync(staging, "p", name, perClass: 6, holdoutPerClass: 2);
        var folder = Path.Combine(staging, "datasets", "p", name);
        File.Delete(Path.Combine(folder, "_READY"));
        return folder;
    }

    private void AssertNamesTheImageNetBase(BaseModelReference? lineage, string? license)
    {
        Assert.NotNull(lineage);
        Assert.Equal(Base, lineage.Name);
        Assert.Null(lineage.Version);
        Assert.Equal(imagenet.Card.WeightsDigest, lineage.WeightsDigest);
        Assert.NotNull(license);
        Assert.Contains($"{ImageNetResNet18Source.PackageId} {ImageNetResNet18Source.PackageVersion}", license);
    }

    /// <summary>The run's report.json, beside the report.html the pipeline's last stdout line names.</summary>
    private static async Task<JsonDocument> ReportAsync(JsonElement result) =>
        JsonDocument.Parse(await File.ReadAllTextAsync(result.GetProperty("report").GetString()!.Replace("report.html", "report.json", StringComparison.Ordinal)));

    private static void AssertNoRetentionRule(JsonElement decision)
    {
        var rules = decision.GetProperty("verdicts").EnumerateArray().Select(v => v.GetProperty("rule").GetString()).ToList();
        Assert.DoesNotContain(PromotionJudge.Retention, rules);
    }

    [Fact]
    public async Task Adapt_with_the_imagenet_base_by_name_fine_tunes_it_and_the_package_names_it()
    {
        var data = await DataFolderAsync("direct");
        var output = Path.Combine(_folder.Path, "adapted");

        var (code, stdout, stderr) = await CliRun.RunAsync("adapt", "--data", data, "--base", Base, "--strategy", "fine-tune", "--steps", $"{Steps}", "--batch-size", "8", "--output", output);

        Assert.True(code == 0, stderr);
        Assert.Contains($"Adapting {Base} with fine-tune", stderr);
        using var package = ModelPackage.Load(output);
        Assert.Equal(imagenet.Card.Architecture, package.Card.Architecture);
        Assert.Equal((3, 96), (package.Card.Input.Channels, package.Card.Input.Height));
        var b = package.Card.BaseModel!;
        Assert.Equal(Base, b.Name);
        Assert.Equal(imagenet.Card.WeightsDigest, b.WeightsDigest);
        Assert.Contains($"{ImageNetResNet18Source.PackageId} {ImageNetResNet18Source.PackageVersion}", b.License);
        Assert.Equal("fine-tune", JsonDocument.Parse(CliRun.LastLine(stdout)).RootElement.GetProperty("strategy").GetString());
    }

    [Fact]
    public async Task Adapt_project_with_the_imagenet_base_runs_the_pipeline_and_the_registered_card_names_it()
    {
        var store = Path.Combine(_folder.Path, "store");
        await new FileSystemObjectStore(store).WriteJsonAsync(ProjectSettings.KeyOf("shoes"), new ProjectSettings("fine-tune", Steps, Policy: Policy), WriteCondition.Always);
        var data = await DataFolderAsync("b1");

        var (code, stdout, stderr) = await CliRun.RunAsync("adapt", "--project", "shoes", "--data", data, "--batch", "b1", "--base", Base, "--store", store);

        Assert.True(code == 0, stderr + stdout);
        var result = JsonDocument.Parse(CliRun.LastLine(stdout)).RootElement;
        Assert.Equal("promoted", result.GetProperty("outcome").GetString());
        var card = await new ModelRegistry(new FileSystemObjectStore(store)).GetAsync("shoes", 1);
        Assert.NotNull(card);
        AssertNamesTheImageNetBase(card.BaseModel, card.License);
        using var report = await ReportAsync(result);
        Assert.Equal(Base, report.RootElement.GetProperty("request").GetProperty("baseModel").GetString());
        Assert.Equal(imagenet.Card.WeightsDigest, report.RootElement.GetProperty("data").GetProperty("baseWeightsDigest").GetString());
        AssertNoRetentionRule(report.RootElement.GetProperty("decision"));
    }

    [Fact]
    public async Task Auto_with_candidate_bases_ranks_them_by_LogME_adapts_the_first_and_records_the_choice_while_a_named_base_skips_the_ranking()
    {
        var store = Path.Combine(_folder.Path, "store");
        var candidates = new[] { "fashion-compact", Base };
        await new FileSystemObjectStore(store).WriteJsonAsync(ProjectSettings.KeyOf("letters"),
            new ProjectSettings("auto", Steps, Policy: Policy, CandidateBases: candidates), WriteCondition.Always);
        var data = await DataFolderAsync("b1");

        var (code, stdout, stderr) = await CliRun.RunAsync("adapt", "--project", "letters", "--data", data, "--batch", "b1", "--store", store);

        Assert.True(code == 0, stderr + stdout);
        var result = JsonDocument.Parse(CliRun.LastLine(stdout)).RootElement;
        using var report = await ReportAsync(result);
        var dataset = report.RootElement.GetProperty("data");
        var ranking = dataset.GetProperty("baseRanking").EnumerateArray().Select(r => (Reference: r.GetProperty("reference").GetString()!, LogMe: r.GetProperty("logMe").GetDouble(), Digest: r.GetProperty("weightsDigest").GetString()!)).ToList();
        Assert.Equal(candidates.Order(), ranking.Select(r => r.Reference).Order());
        Assert.True(ranking[0].LogMe >= ranking[1].LogMe, "the ranking is best first");
        Assert.Equal(ranking[0].Reference, dataset.GetProperty("baseModel").GetString());
        Assert.Equal(ranking[0].Digest, dataset.GetProperty("baseWeightsDigest").GetString());
        Assert.Contains("base choice", await File.ReadAllTextAsync(result.GetProperty("report").GetString()!));
        var card = await new ModelRegistry(new FileSystemObjectStore(store)).GetAsync("letters", 1);
        Assert.NotNull(card);
        Assert.Equal(ranking[0].Reference, card.BaseModel!.Name);
        Assert.Equal(ranking[0].Digest, card.BaseModel.WeightsDigest);
        Assert.StartsWith($"{ranking[0].Reference}, by LogME on ", card.Training["base_choice"]);
        Assert.Contains(ranking[1].Reference, card.Training["base_choice"]);
        Assert.Contains("Base chosen among the project's candidates", card.Notes);

        // A request that names its base is adapted from that base, unranked.
        var (namedCode, namedOut, namedErr) = await CliRun.RunAsync("adapt", "--project", "letters", "--data", await DataFolderAsync("b2"), "--batch", "b2", "--base", ranking[1].Reference, "--store", store);
        Assert.True(namedCode == 0, namedErr + namedOut);
        var named = JsonDocument.Parse(CliRun.LastLine(namedOut)).RootElement;
        using var namedReport = await ReportAsync(named);
        Assert.Equal(ranking[1].Reference, namedReport.RootElement.GetProperty("data").GetProperty("baseModel").GetString());
        Assert.False(namedReport.RootElement.GetProperty("data").TryGetProperty("baseRanking", out var absent) && absent.ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task Serve_takes_the_imagenet_base_from_the_request_body_and_from_project_settings()
    {
        await using var host = await ServeTestHost.StartAsync(Path.Combine(_folder.Path, "served"));
        // Project "body" names the base in its request; project "settings" in its settings (and its request names none).
        await host.Store.WriteJsonAsync(ProjectSettings.KeyOf("body"), new ProjectSettings("fine-tune", Steps, Policy: Policy), WriteCondition.Always);
        await host.Store.WriteJsonAsync(ProjectSettings.KeyOf("settings"), new ProjectSettings("fine-tune", Steps, BaseModel: Base, Policy: Policy), WriteCondition.Always);
        await host.DeliverAsync("body", "b1", perClass: 6, holdoutPerClass: 2);
        await host.DeliverAsync("settings", "b1", perClass: 6, holdoutPerClass: 2);

        var byBody = await host.Http.PostAsJsonAsync("/api/adaptations", new { project = "body", batch = "b1", baseModel = Base });
        var bySettings = await host.Http.PostAsJsonAsync("/api/adaptations", new { project = "settings", batch = "b1" });

        Assert.Equal(HttpStatusCode.Accepted, byBody.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, bySettings.StatusCode);
        foreach (var (project, response) in new[] { ("body", byBody), ("settings", bySettings) })
        {
            var created = (await response.Content.ReadFromJsonAsync<RunRecord>(StoreJson.Options))!;
            var finished = await host.WaitForRunAsync(created.InstanceId, RunTimeout);
            Assert.True(finished.Status == RunStatus.Completed, $"{project}: {finished.Status}: {finished.Failure?.Message}");
            var decision = finished.Output!.Value.GetProperty("decision");
            Assert.True(decision.GetProperty("promote").GetBoolean(), $"{project}: {decision.GetProperty("summary").GetString()}");
            AssertNoRetentionRule(decision);
            var card = await host.Registry.GetAsync(project, 1);
            Assert.NotNull(card);
            AssertNamesTheImageNetBase(card.BaseModel, card.License);
            var model = await (await host.Http.GetAsync($"/api/models/{project}")).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(Base, model.GetProperty("versions")[0].GetProperty("baseModel").GetProperty("name").GetString());
        }
    }
}

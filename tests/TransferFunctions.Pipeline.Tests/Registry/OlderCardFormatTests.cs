using System.Text;
using System.Text.Json.Nodes;
using TransferFunctions.Learning.Models;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Registry;

/// <summary>Stores and packages written before one card type and one digest format still load, or are refused with the reason.</summary>
public sealed class OlderCardFormatTests : IDisposable
{
    private static readonly string Shipped = Path.Combine(AppContext.BaseDirectory, "models", "base", "fashion-compact");
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly TemporaryFolder _folder = new();
    private readonly FileSystemObjectStore _store;
    private readonly ModelRegistry _registry;

    public OlderCardFormatTests()
    {
        _store = new FileSystemObjectStore(_folder.Path);
        _registry = new ModelRegistry(_store);
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>The shipped package's card as the versions before one digest format wrote it: a bare hex digest.</summary>
    private static JsonObject OldPackageManifest()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(Shipped, ModelPackage.CardFile)))!.AsObject();
        manifest["weights_digest"] = manifest["weights_digest"]!.GetValue<string>()["sha256:".Length..];
        return manifest;
    }

    [Fact]
    public async Task A_registry_version_recorded_before_one_card_type_is_read_and_its_weights_load()
    {
        var weights = await File.ReadAllBytesAsync(Path.Combine(Shipped, ModelPackage.WeightsFile), Ct);
        var package = OldPackageManifest();
        package["name"] = "fashion";
        package["base_model"] = new JsonObject { ["name"] = "fashion-compact-base", ["version"] = null, ["weights_digest"] = new string('b', 64), ["license"] = "MIT (base)" };
        // The camelCase registry card of the older versions, with the labels, architecture and input spec stored twice.
        var legacy = new JsonObject
        {
            ["name"] = "fashion",
            ["version"] = 1,
            ["createdAt"] = "2026-11-30T10:00:00+00:00",
            ["weightsDigest"] = ModelPackage.Digest(weights),
            ["weightsSizeBytes"] = weights.Length,
            ["architecture"] = "compact-resnet",
            ["labels"] = new JsonArray("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat"),
            ["input"] = new JsonObject { ["channels"] = 1, ["height"] = 28, ["width"] = 28, ["mean"] = new JsonArray(0.286), ["std"] = new JsonArray(0.353) },
            ["baseModel"] = new JsonObject { ["name"] = "bases", ["version"] = 3, ["weightsDigest"] = "sha256:" + new string('b', 64) },
            ["datasetDigest"] = "data-digest",
            ["runId"] = "run-7",
            ["strategy"] = "fine-tune",
            ["hyperparameters"] = new JsonObject { ["learning_rate"] = "0.001" },
            ["codeVersion"] = "1.0.0+old",
            ["metrics"] = new JsonObject { ["test_accuracy"] = 0.9 },
            ["license"] = "MIT",
            ["provenance"] = "an older run",
            ["notes"] = "kept",
            ["package"] = package,
        };
        await _store.WriteAsync(ModelKeys.Weights("fashion", 1), weights, WriteCondition.CreateOnly, Ct);
        await _store.WriteAsync(ModelKeys.Card("fashion", 1), Encoding.UTF8.GetBytes(legacy.ToJsonString()), WriteCondition.CreateOnly, Ct);

        var card = (await _registry.GetAsync("fashion", 1, Ct))!;
        using var loaded = await new BaseModelResolver(_registry, new PipelineOptions()).LoadVersionAsync("fashion", 1, Ct);

        Assert.Equal(("fashion", 1, ModelPackage.Digest(weights), (long)weights.Length), (card.Name, card.Version, card.WeightsDigest, card.WeightsSizeBytes));
        Assert.Equal(new BaseModelReference("bases", 3, "sha256:" + new string('b', 64), "MIT (base)"), card.BaseModel);
        Assert.Equal(("data-digest", "run-7", "fine-tune", "1.0.0+old", "kept"), (card.DatasetDigest, card.RunId, card.Strategy, card.CodeVersion, card.Notes));
        Assert.Equal("0.001", card.Training["learning_rate"]);
        Assert.Equal("8", card.Training["epochs"]); // from the embedded package manifest
        Assert.Equal(0.9, card.Metrics["test_accuracy"]);
        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat"], loaded.Card.Labels);
        Assert.Equal(1, loaded.Card.Version);
    }

    [Fact]
    public async Task A_registry_card_recorded_without_its_package_manifest_is_refused_with_the_reason()
    {
        var legacy = new JsonObject { ["name"] = "fashion", ["version"] = 1, ["weightsDigest"] = "sha256:" + new string('c', 64), ["architecture"] = "compact-resnet" };
        await _store.WriteAsync(ModelKeys.Card("fashion", 1), Encoding.UTF8.GetBytes(legacy.ToJsonString()), WriteCondition.CreateOnly, Ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => _registry.GetAsync("fashion", 1, Ct));

        Assert.Contains("models/fashion/v1/model.json", error.Message);
        Assert.Contains("recorded by an older version without the package manifest", error.Message);
    }

    [Fact]
    public void A_package_directory_with_a_bare_hex_digest_loads_and_reads_it_in_the_one_format()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_folder.Path, "old-package")).FullName;
        File.Copy(Path.Combine(Shipped, ModelPackage.WeightsFile), Path.Combine(directory, ModelPackage.WeightsFile));
        File.WriteAllText(Path.Combine(directory, ModelPackage.CardFile), OldPackageManifest().ToJsonString());

        using var package = ModelPackage.Load(directory);

        Assert.Equal(ModelPackage.Digest(File.ReadAllBytes(Path.Combine(directory, ModelPackage.WeightsFile))), package.Card.WeightsDigest);
        Assert.StartsWith("sha256:", package.Card.WeightsDigest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registered_card_is_the_package_card_format_with_one_digest()
    {
        using var shipped = ModelPackage.Load(Shipped);
        var (weights, card) = shipped.Serialize();

        var registered = await _registry.RegisterAsync(card with { Name = "fashion" }, weights, Ct);
        var stored = JsonNode.Parse((await _store.ReadAsync(ModelKeys.Card("fashion", 1), Ct))!.Content.Span)!.AsObject();

        Assert.Equal(card.WeightsDigest, registered.WeightsDigest);
        Assert.Equal(registered.WeightsDigest, stored["weights_digest"]!.GetValue<string>());
        Assert.Equal(1, stored["version"]!.GetValue<int>());
        Assert.False(stored.ContainsKey("package"), "the card embeds no second card");
        Assert.Equal(card.License, ModelCardJson.Parse(Encoding.UTF8.GetBytes(stored.ToJsonString()), "stored").License);
    }
}

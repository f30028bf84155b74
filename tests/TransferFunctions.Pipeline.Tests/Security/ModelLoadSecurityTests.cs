using TransferFunctions.Learning.Models;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Security;

/// <summary>
/// Every model the pipeline loads is verified against its card's weights digest first, wherever it comes from (a base
/// folder, the registry, a run's staged models), and packages that carry model code load only when trusted.
/// The models are the real shipped base package, copied and then altered as an attacker or bit rot would.
/// </summary>
public sealed class ModelLoadSecurityTests : IDisposable
{
    private static readonly string ShippedBase = Path.Combine(AppContext.BaseDirectory, "models", "base", "fashion-compact");
    private readonly TemporaryFolder _store = new();
    private readonly TemporaryFolder _bases = new();
    private readonly FileSystemObjectStore _objects;
    private readonly ModelRegistry _registry;

    public ModelLoadSecurityTests()
    {
        _objects = new FileSystemObjectStore(_store.Path);
        _registry = new ModelRegistry(_objects);
    }

    public void Dispose()
    {
        _store.Dispose();
        _bases.Dispose();
    }

    private BaseModelResolver Resolver(bool trustModelCode = false) =>
        new(_registry, new PipelineOptions { BaseModelDirectories = [_bases.Path], TrustModelCode = trustModelCode });

    private string CopyBase(string name)
    {
        var target = Directory.CreateDirectory(Path.Combine(_bases.Path, name)).FullName;
        foreach (var file in Directory.GetFiles(ShippedBase)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }

    private static void FlipOneByte(string file)
    {
        var bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(file, bytes);
    }

    [Fact]
    public async Task A_base_folder_whose_weights_were_altered_is_refused_before_loading()
    {
        var folder = CopyBase("altered");
        FlipOneByte(Path.Combine(folder, ModelPackage.WeightsFile));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Resolver().LoadAsync("dir:altered", CancellationToken.None));

        Assert.Contains("does not match the card's sha256:00d95181", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_base_folder_whose_card_states_no_digest_is_refused_as_unverifiable()
    {
        var folder = CopyBase("no-digest");
        var cardPath = Path.Combine(folder, ModelPackage.CardFile);
        var card = ModelPackage.ReadCard(folder);
        File.WriteAllBytes(cardPath, ModelCardJson.Serialize(card with { WeightsDigest = "" }));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Resolver().LoadAsync("dir:no-digest", CancellationToken.None));

        Assert.Contains("base model 'dir:no-digest': its model.json states no weights_digest", error.Message, StringComparison.Ordinal);
        // The same package with its digest loads: the refusal is about the missing digest alone.
        using var intact = await Resolver().LoadAsync("dir:" + Path.GetFileName(CopyBase("intact")), CancellationToken.None);
        Assert.Equal("compact-resnet", intact.Card.Architecture);
    }

    [Theory]
    [InlineData(TorchScriptBackbone.ModelFile, "a TorchScript or pickled PyTorch module")]
    [InlineData("backbone.onnx", "an ONNX graph")]
    public async Task A_base_folder_carrying_model_code_is_refused_at_submission_and_at_load_unless_the_host_trusts_it(string codeFile, string says)
    {
        var folder = CopyBase("with-code");
        await File.WriteAllBytesAsync(Path.Combine(folder, codeFile), [0x50, 0x4b, 0x03, 0x04]);

        var atSubmission = Assert.Throws<InvalidRequestException>(() => Resolver().CheckReference("dir:with-code"));
        var atLoad = await Assert.ThrowsAsync<InvalidRequestException>(() => Resolver().LoadAsync("dir:with-code", CancellationToken.None));

        foreach (var error in new[] { atSubmission, atLoad })
        {
            Assert.Contains($"Base model 'dir:with-code' carries model code ({codeFile}: {says})", error.Message, StringComparison.Ordinal);
            Assert.Contains("set Pipeline:TrustModelCode=true on this host", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(_bases.Path, error.Message, StringComparison.Ordinal);
        }
        // Trusted, the reference is accepted (and this package, weights beside the code, loads verified).
        Resolver(trustModelCode: true).CheckReference("dir:with-code");
        using var trusted = await Resolver(trustModelCode: true).LoadAsync("dir:with-code", CancellationToken.None);
        Assert.Equal("compact-resnet", trusted.Card.Architecture);
    }

    [Fact]
    public async Task A_registry_version_whose_weights_were_replaced_is_refused_as_base_and_as_champion()
    {
        using var package = ModelPackage.Load(ShippedBase);
        var (weights, card) = package.Serialize();
        await _registry.RegisterAsync(card with { Name = "shoes", Version = 0 }, weights, CancellationToken.None);
        using (var loaded = await Resolver().LoadAsync("shoes:v1", CancellationToken.None))
            Assert.Equal(card.WeightsDigest, loaded.Card.WeightsDigest);
        FlipOneByte(_objects.GetFullPath(ModelKeys.Weights("shoes", 1)));

        var asBase = await Assert.ThrowsAsync<ModelIntegrityException>(() => Resolver().LoadAsync("shoes:v1", CancellationToken.None));
        var asChampion = await Assert.ThrowsAsync<ModelIntegrityException>(() => Resolver().LoadVersionAsync("shoes", 1, CancellationToken.None));

        Assert.Equal(("shoes", 1), (asBase.ModelName, asBase.Version));
        Assert.Equal(("shoes", 1), (asChampion.ModelName, asChampion.Version));
    }

    [Fact]
    public async Task A_staged_model_altered_between_training_and_evaluation_is_refused()
    {
        using var package = ModelPackage.Load(ShippedBase);
        await StagedModels.SaveAsync(_objects, "run-1", "candidate", package, CancellationToken.None);
        using (await StagedModels.LoadAsync(_objects, StagedModels.Prefix("run-1", "candidate"), CancellationToken.None)) { }
        FlipOneByte(_objects.GetFullPath(StagedModels.Prefix("run-1", "candidate") + ModelPackage.WeightsFile));

        var altered = await Assert.ThrowsAsync<InvalidDataException>(() => StagedModels.LoadAsync(_objects, StagedModels.Prefix("run-1", "candidate"), CancellationToken.None));

        Assert.Contains("does not match the card's", altered.Message, StringComparison.Ordinal);
        var cardKey = StagedModels.Prefix("run-1", "candidate") + ModelPackage.CardFile;
        var staged = ModelCardJson.Parse((await _objects.ReadAsync(cardKey))!.Content.Span, cardKey);
        await _objects.WriteAsync(cardKey, ModelCardJson.Serialize(staged with { WeightsDigest = "" }));
        var undigested = await Assert.ThrowsAsync<InvalidDataException>(() => StagedModels.LoadAsync(_objects, StagedModels.Prefix("run-1", "candidate"), CancellationToken.None));
        Assert.Contains("states no weights digest", undigested.Message, StringComparison.Ordinal);
    }
}

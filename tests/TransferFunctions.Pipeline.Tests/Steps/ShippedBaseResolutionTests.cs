using TransferFunctions.Learning.Models;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Steps;

public sealed class ShippedBaseResolutionTests : IDisposable
{
    private readonly TemporaryFolder _store = new();
    private readonly TemporaryFolder _bases = new();

    public void Dispose()
    {
        _store.Dispose();
        _bases.Dispose();
    }

    private BaseModelResolver Resolver() =>
        new(new ModelRegistry(new FileSystemObjectStore(_store.Path)), new PipelineOptions { ShippedBasesDirectory = _bases.Path });

    [Fact]
    public async Task A_shipped_base_name_loads_its_package_from_the_bases_directory()
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "models", "base", "fashion-compact");
        var target = Directory.CreateDirectory(Path.Combine(_bases.Path, "fashion-compact")).FullName;
        foreach (var f in Directory.GetFiles(shipped)) File.Copy(f, Path.Combine(target, Path.GetFileName(f)));

        using var package = await Resolver().LoadAsync("fashion-compact", CancellationToken.None);

        Assert.Equal("compact-resnet", package.Card.Architecture);
        Assert.Equal(ModelPackage.Digest(File.ReadAllBytes(Path.Combine(target, ModelPackage.WeightsFile))), package.Card.WeightsDigest);
    }

    [Fact]
    public async Task A_missing_imagenet_base_says_how_to_produce_it()
    {
        var e = await Assert.ThrowsAsync<TransferFunctions.Pipeline.Api.InvalidRequestException>(() => Resolver().LoadAsync("imagenet-resnet18", CancellationToken.None));
        Assert.Contains("not installed", e.Message);
        Assert.Contains("transfer models import --imagenet-resnet18", e.Message);
    }
}

using TransferFunctions.Importers.Onnx;
using TransferFunctions.Learning.Models;

namespace TransferFunctions.Cli.Tests.Commands;

/// <summary>
/// The shipped ImageNet base where the application looks for it by name (<c>models/base/imagenet-resnet18</c> beside the
/// program). <c>./tf build</c> puts it there; when the tests run from a plain <c>dotnet build</c>, it is imported here the
/// same way, from the restored NuGet package (nothing is downloaded).
/// </summary>
public sealed class ImageNetBaseFixture : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "models", "base", ImageNetResNet18Source.BaseName);

    /// <summary>The shipped package's manifest (weights digest, licence, input size).</summary>
    public ModelCard Card { get; private set; } = null!;

    public Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(Directory, ModelPackage.CardFile)))
        {
            var (network, preprocessing) = ImageNetResNet18Source.Locate();
            using var imported = OnnxImporter.Import(network, new OnnxImportOptions
            {
                Name = ImageNetResNet18Source.BaseName, Origin = ImageNetResNet18Source.Origin, PreprocessingPath = preprocessing,
                InputSize = ImageNetResNet18Source.DefaultInputSize, VerifyWithOnnxRuntime = false,
            });
            imported.Save(Directory);
        }
        using var package = ModelPackage.Load(Directory);
        Card = package.Card;
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

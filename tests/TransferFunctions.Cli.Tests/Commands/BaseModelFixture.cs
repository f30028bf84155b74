using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Pretraining;

namespace TransferFunctions.Cli.Tests.Commands;

/// <summary>
/// The shipped base package (models/base/fashion-compact under the repository root, found by walking up to `tf`), or
/// a small one pretrained for the tests when the repository has none; plus the Fashion-MNIST training set.
/// </summary>
public sealed class BaseModelFixture : IAsyncLifetime
{
    private string? _temporary;

    public string BaseDirectory { get; private set; } = "";
    public DatasetDescription FashionTrain { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        FashionTrain = await FashionMnist.LoadAsync(train: true);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "tf"))) continue;
            var shipped = Path.Combine(dir.FullName, "models", "base", "fashion-compact");
            if (File.Exists(Path.Combine(shipped, ModelPackage.CardFile)))
            {
                BaseDirectory = shipped;
                return;
            }
            break;
        }
        _temporary = Path.Combine(Path.GetTempPath(), "tf-cli-tests-base-" + Guid.NewGuid().ToString("N"));
        using var package = await BasePretrainer.RunAsync(new PretrainOptions { Epochs = 1, Limit = 2000 }, []);
        package.Save(_temporary);
        BaseDirectory = _temporary;
    }

    public Task DisposeAsync()
    {
        if (_temporary is not null && Directory.Exists(_temporary)) Directory.Delete(_temporary, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<BaseModelFixture>
{
    public const string Name = "cli";
}

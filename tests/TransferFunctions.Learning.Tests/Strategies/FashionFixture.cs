using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Pretraining;
using TransferFunctions.Learning.Strategies;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Tests.Strategies;

/// <summary>
/// The shipped base model (models/base/fashion-compact at the repository root, found by walking up to the `tf` script)
/// and Fashion-MNIST, loaded once for every strategy test. Without a shipped base it pretrains a small one (2,000
/// source images, 2 epochs), so the tests never depend on files outside the repository.
/// </summary>
public sealed class FashionFixture : IAsyncLifetime
{
    public static readonly int[] TargetClasses = [5, 6, 7, 8, 9];

    public ModelPackage Base { get; private set; } = null!;
    public DatasetDescription Train { get; private set; } = null!;
    public DatasetDescription Test { get; private set; } = null!;
    public string BaseDirectory { get; private set; } = null!;
    private string? _temporaryBase;

    public IReadOnlyList<string> TargetLabels => TargetClasses.Select(c => FashionMnist.ClassNames[c]).ToArray();

    public async Task InitializeAsync()
    {
        torch.set_num_threads(Math.Min(2, Environment.ProcessorCount));
        Train = await FashionMnist.LoadAsync(train: true);
        Test = await FashionMnist.LoadAsync(train: false);
        if (ShippedBase() is { } shipped)
        {
            BaseDirectory = shipped;
            Base = ModelPackage.Load(shipped);
            return;
        }
        _temporaryBase = Path.Combine(Path.GetTempPath(), "tf-strategy-tests-base-" + Guid.NewGuid().ToString("N"));
        Base = await BasePretrainer.RunAsync(new PretrainOptions { Epochs = 2, Limit = 2000 }, []);
        Base.Save(_temporaryBase);
        BaseDirectory = _temporaryBase;
    }

    public Task DisposeAsync()
    {
        Base.Dispose();
        if (_temporaryBase is not null && Directory.Exists(_temporaryBase)) Directory.Delete(_temporaryBase, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>The repository's shipped base package, if present.</summary>
    public static string? ShippedBase()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "tf"))) continue;
            var candidate = Path.Combine(dir.FullName, "models", "base", "fashion-compact");
            return File.Exists(Path.Combine(candidate, ModelPackage.CardFile)) ? candidate : null;
        }
        return null;
    }

    /// <summary>
    /// <paramref name="perClass"/> examples of each of <paramref name="classes"/> from <paramref name="data"/>, drawn with
    /// <paramref name="seed"/>, interleaved by class. Returns dataset positions.
    /// </summary>
    public static int[] Sample(DatasetDescription data, IReadOnlyList<int> classes, int perClass, int seed, int skip = 0)
    {
        var picked = classes.Select((c, ci) =>
        {
            var label = FashionMnist.ClassNames[c];
            var positions = Enumerable.Range(0, data.Examples.Count).Where(i => data.Examples[i].Label == label).ToArray();
            new Random(seed * 31 + ci).Shuffle(positions);
            return positions.Skip(skip).Take(perClass).ToArray();
        }).ToArray();
        return Enumerable.Range(0, perClass).SelectMany(i => picked.Where(p => i < p.Length).Select(p => p[i])).ToArray();
    }

    public Tensor Inputs(DatasetDescription data, int[] positions) => InMemoryTensors.Images(data, positions, Base.Card.Input);

    public static Tensor Labels(DatasetDescription data, int[] positions, IReadOnlyList<int> classes) => InMemoryTensors.Labels(data, positions, classes);

    /// <summary>Target data for classes 5–9: <paramref name="perClass"/> training and <paramref name="validationPerClass"/> validation examples per class.</summary>
    public OwnedTargetData Target(int perClass, int validationPerClass, int seed = 0)
    {
        var train = Sample(Train, TargetClasses, perClass, seed);
        var validation = Sample(Train, TargetClasses, validationPerClass, seed, skip: perClass);
        return new OwnedTargetData(new TargetData
        {
            TrainInputs = Inputs(Train, train),
            TrainLabels = Labels(Train, train, TargetClasses),
            ValidationInputs = validationPerClass > 0 ? Inputs(Train, validation) : null,
            ValidationLabels = validationPerClass > 0 ? Labels(Train, validation, TargetClasses) : null,
            Labels = TargetLabels,
        });
    }

    /// <summary>The first <paramref name="perClass"/> official test images of each target class.</summary>
    public (Tensor Inputs, Tensor Labels) TargetTest(int perClass)
    {
        var positions = Sample(Test, TargetClasses, perClass, seed: 99);
        return (Inputs(Test, positions), Labels(Test, positions, TargetClasses));
    }
}

/// <summary>Target data whose tensors the test owns.</summary>
public sealed class OwnedTargetData(TargetData data) : IDisposable
{
    public TargetData Data { get; } = data;

    public void Dispose()
    {
        Data.TrainInputs.Dispose();
        Data.TrainLabels.Dispose();
        Data.ValidationInputs?.Dispose();
        Data.ValidationLabels?.Dispose();
        Data.UnlabeledInputs?.Dispose();
        foreach (var c in Data.ExtraLabelColumns)
        {
            c.Train.Dispose();
            c.Validation?.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FashionCollection : ICollectionFixture<FashionFixture>
{
    public const string Name = "fashion strategies";
}

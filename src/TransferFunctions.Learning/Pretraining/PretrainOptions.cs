namespace TransferFunctions.Learning.Pretraining;

/// <summary>How the shipped base model is trained; every default is the one the shipped package used.</summary>
public sealed record PretrainOptions
{
    /// <summary>Fashion-MNIST classes of the source task: 0–4 (T-shirt/top, Trouser, Pullover, Dress, Coat).</summary>
    public IReadOnlyList<int> SourceClasses { get; init; } = new[] { 0, 1, 2, 3, 4 };

    public int Epochs { get; init; } = 8;
    public int BatchSize { get; init; } = 128;
    public double MaxLearningRate { get; init; } = 4e-3;
    public double WeightDecay { get; init; } = 5e-4;
    public int Seed { get; init; } = 7;

    /// <summary>Use only the first N source training images (0 = all 30,000); for quick runs and tests.</summary>
    public int Limit { get; init; }

    public string DataDirectory { get; init; } = Data.FashionMnist.DefaultDirectory;
    public string Name { get; init; } = "fashion-compact-base";
}

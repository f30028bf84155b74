namespace TransferFunctions.Learning.Data;

/// <summary>The Fashion-MNIST dataset as shipped by Debian's dataset-fashion-mnist package.</summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package installs the IDX files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Class names in label order (label value i is ClassNames[i]).</summary>
    public static readonly IReadOnlyList<string> ClassNames =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <summary>Loads the 60,000-image training set (<paramref name="train"/>) or the 10,000-image test set.</summary>
    public static Task<DatasetDescription> LoadAsync(bool train, string directory = DefaultDirectory, CancellationToken cancellationToken = default)
    {
        var prefix = train ? "train" : "t10k";
        return IdxReader.ReadDatasetAsync(
            Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"),
            Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"),
            ClassNames,
            cancellationToken);
    }
}

namespace TransferFunctions.Importers.Onnx;

/// <summary>
/// The ImageNet ResNet-18 that NuGet package restore brings (Microsoft.ML.DnnImageFeaturizer.ResNet18, MIT, .NET
/// Foundation): where its files are in the local package cache, and the origin its card credits.
/// </summary>
public static class ImageNetResNet18Source
{
    public const string BaseName = "imagenet-resnet18";
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";
    public const string PackageVersion = "0.23.1";
    public const string NetworkFile = "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx";
    public const string PreprocessingFile = "tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx";

    /// <summary>
    /// The base's input size. Measured (bench transfer, letters A-J, linear probe on 65 labels per letter, 2 shared
    /// cores): 64 px 96.7% in 40 s, 96 px 97.8% in 180 s, 128 px 97.8% in 288 s; 96 is where accuracy stops rising.
    /// </summary>
    public const int DefaultInputSize = 96;

    public static OnnxOrigin Origin { get; } = new("MIT", PackageId, PackageVersion, NetworkFile, "Copyright (c) .NET Foundation and Contributors");

    /// <summary>The package's folder in the NuGet cache (<c>NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c>).</summary>
    public static string PackageDirectory()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } r
            ? r
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(root, PackageId.ToLowerInvariant(), PackageVersion);
    }

    /// <summary>Paths of the network and its preprocessing graph, or an error saying how to get them.</summary>
    public static (string Network, string Preprocessing) Locate()
    {
        var dir = PackageDirectory();
        var network = Path.Combine(dir, NetworkFile);
        var prep = Path.Combine(dir, PreprocessingFile);
        if (!File.Exists(network) || !File.Exists(prep))
            throw new FileNotFoundException($"{PackageId} {PackageVersion} is not in the NuGet cache ({dir}); `dotnet restore src/TransferFunctions.Importers` (or ./tf build) brings it", network);
        return (network, prep);
    }
}

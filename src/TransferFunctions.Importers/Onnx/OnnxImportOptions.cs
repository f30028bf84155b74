namespace TransferFunctions.Importers.Onnx;

/// <summary>How to import an ONNX ResNet into a base-model package.</summary>
public sealed record OnnxImportOptions
{
    /// <summary>The package's name (the card's <c>name</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Licence and origin of the file; required, because a base without a licence cannot be credited.</summary>
    public required OnnxOrigin Origin { get; init; }

    /// <summary>Optional preprocessing graph (channel order, mean, scale) the network was trained behind.</summary>
    public string? PreprocessingPath { get; init; }

    /// <summary>
    /// Height and width the package's input spec asks for. Default 224 is the export size; smaller sizes are much
    /// cheaper on CPU and (for sizes divisible by 32) computed exactly like the ONNX graph would compute them.
    /// </summary>
    public int InputSize { get; init; } = DefaultInputSize;

    /// <summary>Also run the original through ONNX Runtime on a few images and record the largest feature difference.</summary>
    public bool VerifyWithOnnxRuntime { get; init; } = true;

    public const int DefaultInputSize = 224;

    /// <summary>torchvision's ImageNet normalization of [0, 1] RGB, used when no preprocessing graph is given.</summary>
    public static readonly double[] TorchvisionMean = { 0.485, 0.456, 0.406 }, TorchvisionStd = { 0.229, 0.224, 0.225 };
}

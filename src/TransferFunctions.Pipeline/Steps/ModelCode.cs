using TransferFunctions.Learning.Models;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// Model files that are programs rather than weights: a TorchScript module (<c>model.pt</c>) runs its own code when
/// loaded, and an ONNX graph is executed op by op. Such files are accepted from the shipped bases and the registry
/// (whose versions are weights we wrote, verified by digest) and otherwise only when the operator trusts them:
/// <c>Pipeline:TrustModelCode</c> for hosts, <c>--trust-model-code</c> for commands.
/// </summary>
public static class ModelCode
{
    /// <summary>The configuration key that lets a host load model code from configured base-model folders.</summary>
    public const string TrustSetting = PipelineOptions.Section + ":" + nameof(PipelineOptions.TrustModelCode);

    /// <summary>The command-line flag that lets a command load model code it was pointed at.</summary>
    public const string TrustFlag = "--trust-model-code";

    /// <summary>The first file in <paramref name="directory"/> (a package folder) that is model code, or null when it holds weights only.</summary>
    public static string? FindIn(string directory)
    {
        if (!Directory.Exists(directory)) return null;
        if (File.Exists(Path.Combine(directory, TorchScriptBackbone.ModelFile))) return TorchScriptBackbone.ModelFile;
        return Directory.EnumerateFiles(directory, "*", SearchOption.TopDirectoryOnly)
            .Select(Path.GetFileName)
            .Where(name => name is not null && (name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".pt", StringComparison.OrdinalIgnoreCase)
                || name.EndsWith(".pth", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".torchscript", StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>
    /// Throws <see cref="Api.InvalidRequestException"/> when <paramref name="directory"/> holds model code and it is not
    /// <paramref name="trusted"/>; <paramref name="reference"/> names the package as its user knows it, <paramref name="howToTrust"/> says how to allow it.
    /// </summary>
    public static void Require(string directory, string reference, bool trusted, string howToTrust)
    {
        if (trusted || FindIn(directory) is not { } file) return;
        throw new Api.InvalidRequestException(
            $"Base model '{reference}' carries model code ({file}: {Describe(file)}), which runs when it is loaded. Model code is accepted from the shipped " +
            $"bases and the registry only, unless you trust this package: {howToTrust}.");
    }

    private static string Describe(string file) =>
        file.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? "an ONNX graph" : "a TorchScript or pickled PyTorch module";
}

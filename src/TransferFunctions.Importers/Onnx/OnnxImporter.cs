using System.Globalization;
using System.Security.Cryptography;
using TorchSharp;
using TransferFunctions.Learning;
using TransferFunctions.Learning.Models;
using static TorchSharp.torch;

namespace TransferFunctions.Importers.Onnx;

/// <summary>
/// Imports an ONNX ResNet into a base-model package (<see cref="ModelPackage"/>: torchvision-named safetensors weights
/// and a card). The graph is first checked op by op (unsupported ops are named with their node), then mapped onto our
/// <see cref="ResNet"/> so the base fine-tunes like the shipped one; a preprocessing graph's channel reversal is folded
/// into the first convolution and its mean/scale become the input spec.
/// </summary>
public static class OnnxImporter
{
    public static ModelPackage Import(string onnxPath, OnnxImportOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.InputSize, 32);
        var bytes = File.ReadAllBytes(onnxPath);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var onnx = OnnxModel.Load(onnxPath);
        var mapping = OnnxResNetMapping.Map(onnx.Graph);
        var channels = mapping.Spec.InputChannels;
        var prep = options.PreprocessingPath is { } pp ? OnnxPreprocessing.Read(OnnxModel.Load(pp).Graph) : null;
        if (prep is not null && prep.Mean.Length != channels) throw new InvalidDataException($"the preprocessing graph has {prep.Mean.Length} channels, the network {channels}");
        var input = prep is null
            ? new InputSpec(channels, options.InputSize, options.InputSize, OnnxImportOptions.TorchvisionMean, OnnxImportOptions.TorchvisionStd)
            // The graphs take pixels p in [0, 255]: (255x − m)·s = (x − m/255) / (1/(255 s)), per channel, in RGB order.
            : new InputSpec(channels, options.InputSize, options.InputSize,
                Rgb(prep.Mean, prep.ReversesChannels).Select(m => m / 255).ToArray(),
                Rgb(prep.Scale, prep.ReversesChannels).Select(s => 1 / (255 * s)).ToArray());

        var manifest = new ModelCard
        {
            Name = options.Name,
            Architecture = mapping.Spec.Name,
            Input = input,
            Labels = Array.Empty<string>(),
            FeatureLayer = "avgpool",
            SourceDataset = "imagenet (as stated by the origin; not verifiable here)",
            License = License(options.Origin, Path.GetFileName(onnxPath), sha256),
            Provenance = Provenance(options.Origin, Path.GetFileName(onnxPath), sha256, onnx, prep),
            Training = Origin(options.Origin, Path.GetFileName(onnxPath), sha256, onnx, prep),
            CreatedAt = DateTimeOffset.UtcNow,
            CodeVersion = CodeVersion.Current,
        };
        var model = ModelPackage.CreateModel(manifest);
        try
        {
            using (var noGrad = no_grad())
            {
                var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
                foreach (var (name, initializer) in mapping.StateDictNames)
                {
                    var t = onnx.Graph.Initializers[initializer];
                    var value = tensor(t.Floats!, t.Dims);
                    if (name == "conv1.weight" && prep is { ReversesChannels: true }) value = value.flip(1);
                    state[name] = value;
                }
                foreach (var (name, target) in model.state_dict())
                {
                    if (FeatureExtractor.IsHead(name)) continue;
                    if (name.EndsWith("num_batches_tracked", StringComparison.Ordinal)) continue;
                    var source = state[name];
                    if (!source.shape.SequenceEqual(target.shape))
                        throw new InvalidDataException($"'{name}': the ONNX tensor '{mapping.StateDictNames[name]}' is [{string.Join(",", source.shape)}], the model expects [{string.Join(",", target.shape)}]");
                    target.copy_(source);
                }
                foreach (var t in state.Values) t.Dispose();
            }
            var package = new ModelPackage(manifest, model);
            if (options.VerifyWithOnnxRuntime)
            {
                var parity = OnnxParity.Measure(onnxPath, package, images: 4, seed: 1, reversesChannels: prep?.ReversesChannels ?? false);
                package = new ModelPackage(manifest with { Metrics = new Dictionary<string, double> { ["onnx_runtime_max_abs_diff"] = parity.MaxAbsDifference, ["onnx_runtime_max_rel_diff"] = parity.MaxRelativeDifference } }, model);
            }
            return package;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static double[] Rgb(double[] v, bool reversed) => reversed ? v.Reverse().ToArray() : v;

    private static string License(OnnxOrigin o, string file, string sha) =>
        $"{o.License}{(o.Copyright is { } c ? $", {c}" : "")}; weights from {(o.PackageId is { } p ? $"NuGet package {p} {o.PackageVersion}, " : "")}{o.FileInPackage ?? file} (SHA-256 {sha})";

    private static string Provenance(OnnxOrigin o, string file, string sha, OnnxModel onnx, OnnxPreprocessing? prep) =>
        $"Imported by `transfer models import --onnx` from {o.FileInPackage ?? file} (SHA-256 {sha}{(o.PackageId is { } p ? $", package {p} {o.PackageVersion}" : "")}), " +
        $"exported by {onnx.ProducerName} {onnx.ProducerVersion} at opset {onnx.Opsets.GetValueOrDefault("", 0)}; weights renamed to torchvision's ResNet layout" +
        (prep is null ? "" : $"; preprocessing folded in (channel reversal {(prep.ReversesChannels ? "into conv1" : "none")}, mean image reduced to per-channel means, largest deviation {prep.MeanImageSpread.ToString("0.##", CultureInfo.InvariantCulture)}/255)") +
        $"; exact to the ONNX graph for input sizes divisible by {OnnxResNetMapping.ExactForInputsDivisibleBy}. Grayscale images are replicated to three channels.";

    private static Dictionary<string, string> Origin(OnnxOrigin o, string file, string sha, OnnxModel onnx, OnnxPreprocessing? prep)
    {
        var d = new Dictionary<string, string>
        {
            ["recipe"] = "imported from ONNX (not trained here)",
            ["origin_file"] = o.FileInPackage ?? file,
            ["origin_sha256"] = sha,
            ["onnx_producer"] = $"{onnx.ProducerName} {onnx.ProducerVersion}".Trim(),
            ["onnx_opset"] = onnx.Opsets.GetValueOrDefault("", 0).ToString(CultureInfo.InvariantCulture),
            ["grayscale"] = "replicated to 3 channels",
            ["onnx_input_channel_order"] = prep is { ReversesChannels: true } ? "bgr" : "rgb",
        };
        if (o.PackageId is { } p) { d["origin_package"] = p; d["origin_version"] = o.PackageVersion ?? ""; }
        if (prep is not null) d["preprocessing_mean_image_spread"] = prep.MeanImageSpread.ToString("0.###", CultureInfo.InvariantCulture);
        return d;
    }
}

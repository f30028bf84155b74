using System.CommandLine;
using System.Text.Json.Nodes;
using TransferFunctions.Importers.Onnx;

namespace TransferFunctions.Cli.Commands;

/// <summary>
/// <c>transfer models import --onnx FILE --name NAME -o DIR</c>: an ONNX ResNet becomes a base-model package
/// (safetensors weights + card with licence and origin), checked against ONNX Runtime. <c>--imagenet-resnet18</c>
/// imports the ResNet-18 that package restore brought (Microsoft.ML.DnnImageFeaturizer.ResNet18) with its origin filled in.
/// </summary>
public static class ModelsImportCommand
{
    public static Command Create()
    {
        var onnx = new Option<string?>("--onnx") { Description = "the ONNX file (a torchvision-shaped ResNet: Conv, BatchNormalization, Relu, Add, MaxPool, pooling, optional Gemm)" };
        var imagenet = new Option<bool>("--imagenet-resnet18") { Description = $"import {ImageNetResNet18Source.PackageId} {ImageNetResNet18Source.PackageVersion}'s ResNet18.onnx from the NuGet cache (with its preprocessing and origin)" };
        var name = new Option<string?>("--name") { Description = "the package's name (default: the file's name, or imagenet-resnet18)" };
        var output = new Option<string>("--output", "-o") { Description = "directory to write weights.safetensors and model.json to", Required = true };
        var preprocess = new Option<string?>("--preprocess") { Description = "ONNX preprocessing graph (channel order, mean, scale); default: torchvision's ImageNet normalization" };
        var size = new Option<int>("--input-size") { Description = $"input height and width of the package (a multiple of 32 computes exactly what the graph computes; default {OnnxImportOptions.DefaultInputSize}, {ImageNetResNet18Source.DefaultInputSize} with --imagenet-resnet18)", DefaultValueFactory = _ => OnnxImportOptions.DefaultInputSize };
        var license = new Option<string?>("--license") { Description = "licence of the weights (required with --onnx, e.g. MIT)" };
        var origin = new Option<string?>("--origin-package") { Description = "package the file came from, as ID@VERSION" };
        var noVerify = new Option<bool>("--no-verify") { Description = "skip the ONNX Runtime parity check" };
        var json = CommonOptions.Json();
        var trust = new Option<bool>(TransferFunctions.Pipeline.Steps.ModelCode.TrustFlag) { Description = "required with --onnx: an ONNX graph from outside the shipped packages is model code (parsed and run by ONNX Runtime to check parity)" };
        var command = new Command("import", "Import an ONNX ResNet as a base-model package.") { onnx, imagenet, name, output, preprocess, size, license, origin, noVerify, json, trust };
        command.SetAction(parse =>
        {
            try
            {
                string file;
                string? prep = parse.GetValue(preprocess);
                OnnxOrigin from;
                if (parse.GetValue(imagenet))
                {
                    (file, var p) = ImageNetResNet18Source.Locate();
                    prep ??= p;
                    from = ImageNetResNet18Source.Origin;
                }
                else
                {
                    file = parse.GetValue(onnx) ?? throw new ArgumentException("name the file with --onnx FILE (or use --imagenet-resnet18)");
                    if (!parse.GetValue(trust))
                        throw new ArgumentException($"--onnx {file}: an ONNX graph is model code (its ops are parsed here and run by ONNX Runtime for the parity check); " +
                            $"import one from outside the shipped packages only if you trust it, with {TransferFunctions.Pipeline.Steps.ModelCode.TrustFlag} (--imagenet-resnet18 needs no flag)");
                    var lic = parse.GetValue(license) ?? throw new ArgumentException("say under which licence the weights are with --license (the card must credit them)");
                    var pkg = parse.GetValue(origin)?.Split('@', 2);
                    from = new OnnxOrigin(lic, pkg?[0], pkg is { Length: 2 } ? pkg[1] : null);
                }
                var packageName = parse.GetValue(name) ?? (parse.GetValue(imagenet) ? ImageNetResNet18Source.BaseName : Path.GetFileNameWithoutExtension(file));
                var started = System.Diagnostics.Stopwatch.StartNew();
                using var package = OnnxImporter.Import(file, new OnnxImportOptions
                {
                    Name = packageName, Origin = from, PreprocessingPath = prep, InputSize = parse.GetValue(imagenet) && (parse.GetResult(size) is null || parse.GetResult(size)!.Implicit) ? ImageNetResNet18Source.DefaultInputSize : parse.GetValue(size), VerifyWithOnnxRuntime = !parse.GetValue(noVerify),
                });
                var dir = parse.GetValue(output)!;
                package.Save(dir);
                var m = package.Card;
                var parity = m.Metrics.TryGetValue("onnx_runtime_max_abs_diff", out var d) ? d : (double?)null;
                if (!parse.GetValue(json))
                {
                    System.Console.Out.WriteLine($"{packageName}: {m.Architecture}, input {m.Input.Channels}x{m.Input.Height}x{m.Input.Width}, weights {m.WeightsDigest[..19]} → {dir}");
                    System.Console.Out.WriteLine(parity is { } p2 ? $"features match ONNX Runtime to {p2:G3} (max abs) at the graph's input size" : "parity not checked (--no-verify)");
                    System.Console.Out.WriteLine($"licence: {m.License}");
                }
                JsonOutput.WriteLastLine(new JsonObject
                {
                    ["name"] = packageName, ["architecture"] = m.Architecture, ["input_size"] = m.Input.Height, ["directory"] = dir,
                    ["weights_digest"] = m.WeightsDigest, ["onnx_runtime_max_abs_diff"] = parity, ["seconds"] = Math.Round(started.Elapsed.TotalSeconds, 1),
                });
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException)
            {
                System.Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}

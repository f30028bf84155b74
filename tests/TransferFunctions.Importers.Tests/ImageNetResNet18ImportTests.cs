using TorchSharp;
using TransferFunctions.Importers.Onnx;
using TransferFunctions.Learning.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TransferFunctions.Importers.Tests;

/// <summary>The real ResNet18.onnx from the restored NuGet package, against ONNX Runtime.</summary>
public sealed class ImageNetResNet18ImportTests(ITestOutputHelper output)
{
    [Fact]
    public void Imported_resnet18_matches_onnx_runtime_and_survives_a_save_and_load()
    {
        var (network, prep) = ImageNetResNet18Source.Locate();
        using var package = OnnxImporter.Import(network, new OnnxImportOptions { Name = "imagenet-resnet18", Origin = ImageNetResNet18Source.Origin, PreprocessingPath = prep, InputSize = 96 });
        var diff = package.Card.Metrics["onnx_runtime_max_abs_diff"];
        var rel = package.Card.Metrics["onnx_runtime_max_rel_diff"];
        output.WriteLine($"parity with ONNX Runtime at 224x224 over 4 images: max abs {diff:G3}, max rel {rel:G3}");
        Assert.True(rel < 1e-4, $"max relative feature difference {rel}");

        var m = package.Card;
        // CNTK's "ResNet18" has three blocks in its last stage (22 convolutions), so it is not torchvision's resnet18.
        Assert.Equal("resnet-basic-2-2-2-3", m.Architecture);
        Assert.Equal(new InputSpec(3, 96, 96, m.Input.Mean, m.Input.Std), m.Input);
        // Per-channel means of CNTK's BGR mean image, in RGB order, on [0, 1] pixels; the graph takes 0–255 pixels.
        Assert.Equal(123.15 / 255, m.Input.Mean[0], 3);
        Assert.Equal(103.06 / 255, m.Input.Mean[2], 3);
        Assert.All(m.Input.Std, s => Assert.Equal(1 / 255.0, s, 9));
        Assert.Contains("MIT", m.License);
        Assert.Contains(ImageNetResNet18Source.PackageId, m.License);
        Assert.Equal("bgr", m.Training["onnx_input_channel_order"]);
        // The ONNX origin file is named by its bare SHA-256 hex (a fact about a foreign file); the card's own digest is ModelPackage.Digest.
        Assert.Equal(ModelPackage.Digest(File.ReadAllBytes(network)), "sha256:" + m.Training["origin_sha256"]);

        var dir = Directory.CreateTempSubdirectory("tf-import-");
        try
        {
            package.Save(dir.FullName);
            using var loaded = ModelPackage.Load(dir.FullName);
            using var x = randn(2, 3, 96, 96);
            loaded.Model.eval();
            package.Model.eval();
            using var a = package.Model.Features(x);
            using var b = loaded.Model.Features(x);
            Assert.Equal(512, a.size(1));
            Assert.True(a.allclose(b), "the saved package computes other features than the imported one");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_graph_module_computes_what_onnx_runtime_computes()
    {
        var (network, _) = ImageNetResNet18Source.Locate();
        var graph = OnnxModel.Load(network).Graph;
        using var module = new OnnxGraphModule(graph);
        Assert.Equal(22 * 3, module.parameters().Count()); // 22 conv weights, 22 BN scales, 22 BN biases
        Assert.Equal(44, module.buffers().Count()); // 22 BN running means + variances
        module.eval();
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(network);
        var random = new Random(3);
        var data = Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)(random.NextDouble() * 255 - 115)).ToArray();
        using var value = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(data, new long[] { 1, 3, 224, 224 });
        using var outputs = session.Run(new Microsoft.ML.OnnxRuntime.RunOptions(), session.InputNames, new[] { value }, session.OutputNames);
        var theirs = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        using var input = tensor(data, new long[] { 1, 3, 224, 224 });
        float[] ours;
        using (inference_mode()) ours = module.forward(input).data<float>().ToArray();
        var maxAbs = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"graph module vs ONNX Runtime: max abs {maxAbs:G3} (features up to {theirs.Max():G3})");
        Assert.Equal(theirs.Length, ours.Length);
        Assert.True(maxAbs <= 1e-4 * theirs.Max(Math.Abs), $"max abs difference {maxAbs}");
    }

    [Fact]
    public void An_unsupported_operator_is_refused_naming_the_op_and_the_node()
    {
        var (network, _) = ImageNetResNet18Source.Locate();
        var graph = OnnxModel.Load(network).Graph;
        var nodes = graph.Nodes.ToList();
        var i = nodes.FindIndex(n => n.OpType == "Relu");
        nodes[i] = nodes[i] with { OpType = "LeakyRelu" };
        var broken = graph with { Nodes = nodes };
        var e = Assert.Throws<NotSupportedException>(() => new OnnxGraphModule(broken));
        Assert.Contains("'LeakyRelu'", e.Message);
        Assert.Contains($"'{nodes[i].Name}'", e.Message);
        Assert.Throws<NotSupportedException>(() => OnnxResNetMapping.Map(broken));
    }
}

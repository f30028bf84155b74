using TransferFunctions.Cli.Tests.Commands;
using TransferFunctions.Learning.Models;

namespace TransferFunctions.Cli.Tests.Security;

/// <summary>
/// The commands load only what they can verify: a base package whose weights no longer match its card is refused, a
/// package carrying model code (TorchScript, ONNX) needs <c>--trust-model-code</c>, and so does importing an ONNX file
/// from outside the shipped packages. Each refusal exits 2 with one line, no stack trace, and writes nothing.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class CliModelTrustTests(BaseModelFixture fixture) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tf-cli-trust-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private string CopyBase(string name)
    {
        var target = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        foreach (var file in Directory.GetFiles(fixture.BaseDirectory)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }

    private Task<string> ExportImageFolderAsync() => fixture.ExportImageFolderAsync(Path.Combine(_root, "data"), 10, 5, 6);

    [Fact]
    public async Task Adapt_refuses_a_base_carrying_TorchScript_code_unless_trusted()
    {
        var data = await ExportImageFolderAsync();
        var withCode = CopyBase("with-code");
        await File.WriteAllBytesAsync(Path.Combine(withCode, TorchScriptBackbone.ModelFile), [0x50, 0x4b, 0x03, 0x04]);
        var output = Path.Combine(_root, "out");

        var (code, _, stderr) = await CliRun.RunAsync("adapt", "--data", data, "--base", withCode, "--strategy", "linear-probe", "--output", output, "--steps", "2");
        var (trustedCode, _, trustedError) = await CliRun.RunAsync("adapt", "--data", data, "--base", withCode, "--strategy", "linear-probe", "--output", output, "--steps", "2", "--trust-model-code");

        Assert.Equal(2, code);
        Assert.Contains($"carries model code ({TorchScriptBackbone.ModelFile}: a TorchScript or pickled PyTorch module), which runs when it is loaded", stderr);
        Assert.Contains("pass --trust-model-code", stderr);
        Assert.DoesNotContain("   at ", stderr);
        // Trusted, the same package is accepted (its verified safetensors weights are what this command trains).
        Assert.True(trustedCode == 0, trustedError);
        Assert.True(File.Exists(Path.Combine(output, ModelPackage.CardFile)));
    }

    [Fact]
    public async Task Adapt_and_evaluate_refuse_a_package_whose_weights_no_longer_match_its_card()
    {
        var data = await ExportImageFolderAsync();
        var altered = CopyBase("altered");
        var weights = Path.Combine(altered, ModelPackage.WeightsFile);
        var bytes = await File.ReadAllBytesAsync(weights);
        bytes[^1] ^= 0x01;
        await File.WriteAllBytesAsync(weights, bytes);
        var output = Path.Combine(_root, "out");

        var (adaptCode, _, adaptError) = await CliRun.RunAsync("adapt", "--data", data, "--base", altered, "--strategy", "linear-probe", "--output", output, "--steps", "2");
        var (evaluateCode, _, evaluateError) = await CliRun.RunAsync("evaluate", "--model", altered, "--data", data, "--split", "all");

        Assert.Equal(2, adaptCode);
        Assert.Equal(2, evaluateCode);
        foreach (var error in new[] { adaptError, evaluateError })
        {
            Assert.Contains("does not match the card's", error);
            Assert.Contains("the file is corrupt or was replaced", error);
            Assert.DoesNotContain("   at ", error);
        }
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Importing_an_onnx_file_needs_the_trust_flag()
    {
        var onnx = Path.Combine(Directory.CreateDirectory(_root).FullName, "backbone.onnx");
        await File.WriteAllBytesAsync(onnx, [0x08, 0x07]);
        var output = Path.Combine(_root, "imported");

        var (code, _, stderr) = await CliRun.RunAsync("models", "import", "--onnx", onnx, "--license", "MIT", "-o", output);
        var (trustedCode, _, trustedError) = await CliRun.RunAsync("models", "import", "--onnx", onnx, "--license", "MIT", "-o", output, "--trust-model-code");

        Assert.Equal(2, code);
        Assert.Contains($"--onnx {onnx}: an ONNX graph is model code", stderr);
        Assert.Contains("--trust-model-code (--imagenet-resnet18 needs no flag)", stderr);
        Assert.False(Directory.Exists(output));
        // With the flag the file is read, and refused for what it is (two bytes are no model), still without a stack trace.
        Assert.Equal(2, trustedCode);
        Assert.DoesNotContain("model code", trustedError);
        Assert.DoesNotContain("   at ", trustedError);
    }
}

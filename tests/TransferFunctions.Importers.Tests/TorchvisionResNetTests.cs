using System.Diagnostics;
using TorchSharp;
using TransferFunctions.Importers.Torchvision;
using TransferFunctions.Learning.Engine;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TransferFunctions.Importers.Tests;

/// <summary>A state dict written by Debian's python3-torch in torchvision's resnet18 layout, loaded by name and run.</summary>
public sealed class TorchvisionResNetTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tf-torchvision-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string WriteFixture()
    {
        var python = Environment.GetEnvironmentVariable("TF_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Fixtures", "torchvision_resnet18.py"));
        start.ArgumentList.Add(_dir.FullName);
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "python did not finish in 3 minutes");
        Assert.True(process.ExitCode == 0, stderr.Result);
        return stdout.Result.Trim();
    }

    [Fact]
    public void A_pytorch_resnet18_state_dict_loads_by_name_and_gives_pytorchs_logits()
    {
        var source = WriteFixture();
        using var model = TorchvisionResNet.Load(Path.Combine(_dir.FullName, "resnet18.safetensors"));
        using var io = Safetensors.Load(Path.Combine(_dir.FullName, "io.safetensors"));
        model.eval();
        using var logits = model.forward(io["input"]);
        var diff = logits.sub(io["logits"]).abs().max().item<float>();
        var scale = io["logits"].abs().max().item<float>();
        output.WriteLine($"{source}: max abs logit difference {diff:G3} (logits up to {scale:G3})");
        Assert.Equal(new long[] { 2, 1000 }, logits.shape);
        Assert.True(diff <= 1e-4 * Math.Max(1, scale), $"logits differ by {diff}");
    }

    [Fact]
    public void A_state_dict_of_another_depth_is_refused_with_the_names()
    {
        WriteFixture();
        var e = Assert.Throws<InvalidDataException>(() => TorchvisionResNet.Load(Path.Combine(_dir.FullName, "resnet18.safetensors"), "resnet34"));
        Assert.Contains("resnet34", e.Message);
        Assert.Contains("layer", e.Message);
    }
}

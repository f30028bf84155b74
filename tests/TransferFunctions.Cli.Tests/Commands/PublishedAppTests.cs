using System.Diagnostics;
using TransferFunctions.Cli.Tests.TestSupport;

namespace TransferFunctions.Cli.Tests.Commands;

/// <summary>
/// A `dotnet publish`ed CLI loads TorchSharp on this machine (Debian 12, where the unpatched shim does not load) and
/// trains: the build's weakened shim reaches the publish folder through MSBuild's own copy-local items.
/// </summary>
public sealed class PublishedAppTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TransferFunctions.sln"))) return dir.FullName;
        throw new InvalidOperationException("no TransferFunctions.sln above the test assembly");
    }

    private static (int Code, string Output) Run(string file, string arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish in {timeout}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [Fact]
    public void The_published_cli_loads_libtorch_and_trains_a_model()
    {
        using var folder = new TemporaryFolder();
        var app = Path.Combine(folder.Path, "app");
        var project = Path.Combine(RepoRoot(), "src", "TransferFunctions.Cli", "TransferFunctions.Cli.csproj");
        var publish = Run("dotnet", $"publish \"{project}\" -c Release -o \"{app}\" -nologo -v q", TimeSpan.FromMinutes(10));
        Assert.True(publish.Code == 0, publish.Output);
        Assert.True(File.Exists(Path.Combine(app, "libLibTorchSharp.so")), "the publish folder has no TorchSharp shim");
        Assert.False(Directory.Exists(Path.Combine(app, "runtimes")), "a linux-x64 publish should not carry every platform's libtorch");

        var package = Path.Combine(folder.Path, "pretrained");
        var train = Run(Path.Combine(app, "transfer"), $"pretrain --epochs 1 --limit 256 -o \"{package}\"", TimeSpan.FromMinutes(10));
        Assert.True(train.Code == 0, train.Output);
        Assert.True(File.Exists(Path.Combine(package, "weights.safetensors")), train.Output);
        Assert.Contains("\"source_test_accuracy\"", File.ReadAllText(Path.Combine(package, "model.json")));
    }
}

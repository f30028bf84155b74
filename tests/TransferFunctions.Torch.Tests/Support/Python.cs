using System.Diagnostics;

namespace TransferFunctions.Torch.Tests.Support;

/// <summary>
/// Runs Debian's python3 with PyTorch (importable only by /usr/bin/python3; <c>TF_PYTHON</c> overrides)
/// to produce reference files and values from the real PyTorch.
/// </summary>
internal static class Python
{
    public static string Executable => Environment.GetEnvironmentVariable("TF_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    /// <summary>Runs the arguments (a script path or <c>-c code</c>) and returns stdout; a non-zero exit fails with stderr.</summary>
    public static string Run(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Executable}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Executable} {string.Join(' ', start.ArgumentList)} did not finish in time");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Executable} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    public static string RunCode(string code) => Run(new[] { "-c", code });
}

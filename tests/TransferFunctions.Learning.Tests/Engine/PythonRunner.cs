using System.Diagnostics;

namespace TransferFunctions.Learning.Tests.Engine;

/// <summary>Runs code in Debian's python3 (which sees python3-torch and numpy; <c>TF_PYTHON</c> overrides) and returns stdout.</summary>
internal static class PythonRunner
{
    public static string Executable => Environment.GetEnvironmentVariable("TF_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    public static string Run(string code, TimeSpan? timeout = null) => RunArguments(["-c", code], timeout);

    public static string RunArguments(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Executable}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Executable} did not finish in time");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{Executable} exited with {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}

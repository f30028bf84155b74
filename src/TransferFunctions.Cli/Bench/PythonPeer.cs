using System.Diagnostics;
using System.Text.Json;

namespace TransferFunctions.Cli.Bench;

/// <summary>Runs a PyTorch peer script with Debian's interpreter and returns its last stdout line as JSON.</summary>
public static class PythonPeer
{
    /// <summary>Debian's python3-torch is importable by this interpreter only (override with TF_PYTHON).</summary>
    public static string Interpreter => Environment.GetEnvironmentVariable("TF_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    public static async Task<JsonElement> RunAsync(string script, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "bench", script);
        var info = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(path);
        // Same OpenMP behaviour as our engine (which sets PASSIVE unless the environment chose).
        info.Environment["OMP_WAIT_POLICY"] = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "PASSIVE";
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {Interpreter}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = await stdout;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"the PyTorch peer {script} failed (exit {process.ExitCode}): {(await stderr).Trim()}");
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"the PyTorch peer {script} printed nothing");
        return JsonDocument.Parse(last).RootElement.Clone();
    }
}

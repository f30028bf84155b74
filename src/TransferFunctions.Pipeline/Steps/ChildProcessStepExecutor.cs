using System.Diagnostics;
using System.Text.Json;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// Runs each step in its own process (`transfer step NAME --input KEY --output KEY --store DIR`), as a
/// container would: isolation from the host (a crash or a leak in a step cannot take the host down)
/// with the same JSON documents in the store as the only interface.
/// </summary>
public sealed class ChildProcessStepExecutor(IObjectStore store, string storeRoot, IReadOnlyList<string> command) : IStepExecutor
{
    public async Task<JsonElement> ExecuteAsync(StepInvocation invocation, CancellationToken cancellationToken)
    {
        var inputKey = StepDocuments.InputKey(invocation);
        var outputKey = StepDocuments.OutputKey(invocation);
        var done = await store.ReadJsonAsync<JsonElement>(outputKey, cancellationToken);
        if (done is not null) return done.Value;
        await store.WriteJsonAsync(inputKey, invocation, WriteCondition.Always, cancellationToken);

        var info = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var part in command.Skip(1)) info.ArgumentList.Add(part);
        foreach (var part in new[] { "step", invocation.StepName, "--input", inputKey, "--output", outputKey, "--store", storeRoot }) info.ArgumentList.Add(part);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {command[0]}");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        await stdout;
        if (process.ExitCode != 0)
        {
            var error = (await stderr).Trim();
            throw new InvalidOperationException($"step '{invocation.StepName}' failed in its child process (exit {process.ExitCode}): {Tail(error)}");
        }
        return (await store.ReadJsonAsync<JsonElement>(outputKey, cancellationToken))?.Value
            ?? throw new InvalidOperationException($"step '{invocation.StepName}' exited 0 but wrote no output document {outputKey}");
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : "…" + text[^2000..];
}

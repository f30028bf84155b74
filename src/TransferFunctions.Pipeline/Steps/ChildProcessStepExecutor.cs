using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// Runs each step in its own process (`transfer step NAME --input KEY --output KEY --store DIR`), as a
/// container would: isolation from the host (a crash or a leak in a step cannot take the host down)
/// with the same JSON documents in the store as the only interface. A process that crashes or outgrows
/// its memory limit is retried with backoff up to a bound (<see cref="ChildProcessLimits"/>); then the step
/// fails with every attempt's reason.
/// </summary>
public sealed class ChildProcessStepExecutor(IObjectStore store, string storeRoot, IReadOnlyList<string> command, ChildProcessLimits? limits = null, ILogger? logger = null)
    : IStepExecutor
{
    /// <summary>Exit codes from 128 up mean the process was killed by a signal (128 + its number), not that the step reported an error.</summary>
    private const int SignalExitBase = 128;

    private readonly ChildProcessLimits _limits = (limits ?? new ChildProcessLimits()).Validate();
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public async Task<JsonElement> ExecuteAsync(StepInvocation invocation, CancellationToken cancellationToken)
    {
        var inputKey = StepDocuments.InputKey(invocation);
        var outputKey = StepDocuments.OutputKey(invocation);
        var done = await store.ReadJsonAsync<JsonElement>(outputKey, cancellationToken);
        if (done is not null) return done.Value;
        await store.WriteJsonAsync(inputKey, invocation, WriteCondition.Always, cancellationToken);

        var crashes = new List<string>();
        for (var attempt = 1; ; attempt++)
        {
            var (exitCode, overLimit, error) = await RunOnceAsync(invocation, inputKey, outputKey, cancellationToken);
            if (exitCode == 0)
            {
                return (await store.ReadJsonAsync<JsonElement>(outputKey, cancellationToken))?.Value
                    ?? throw new InvalidOperationException($"step '{invocation.StepName}' exited 0 but wrote no output document {outputKey}");
            }

            if (overLimit is null && exitCode < SignalExitBase)
            {
                throw new InvalidOperationException($"step '{invocation.StepName}' failed in its child process (exit {exitCode}): {Tail(error)}");
            }

            var why = overLimit ?? $"killed by signal {exitCode - SignalExitBase} (exit {exitCode})";
            crashes.Add($"attempt {attempt}: {why}");
            if (attempt >= _limits.MaxAttempts)
            {
                throw new InvalidOperationException(
                    $"step '{invocation.StepName}' failed in its child process {attempt} time(s), giving up: {string.Join("; ", crashes)}{(error.Length > 0 ? ". Last error output: " + Tail(error) : "")}");
            }

            var delay = _limits.RetryDelay(attempt);
            _logger.LogWarning("Run {RunId}: step {Step} child process {Why}; retrying in {Delay} (attempt {Next} of {Max})",
                invocation.InstanceId, invocation.StepName, why, delay, attempt + 1, _limits.MaxAttempts);
            await Task.Delay(delay, cancellationToken);
        }
    }

    /// <summary>One child process: its exit code, why the parent killed it (over the memory limit) if it did, and its stderr.</summary>
    private async Task<(int ExitCode, string? OverLimit, string Error)> RunOnceAsync(StepInvocation invocation, string inputKey, string outputKey, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var part in command.Skip(1)) info.ArgumentList.Add(part);
        foreach (var part in new[] { "step", invocation.StepName, "--input", inputKey, "--output", outputKey, "--store", storeRoot }) info.ArgumentList.Add(part);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {command[0]}");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        string? overLimit = null;
        try
        {
            if (_limits.MemoryLimitMb is { } limitMb)
            {
                overLimit = await WatchMemoryAsync(process, limitMb, cancellationToken);
            }

            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await stdout;
        return (process.ExitCode, overLimit, (await stderr).Trim());
    }

    /// <summary>Samples the child's resident memory until it exits; kills it (and says why) when it exceeds the limit.</summary>
    private async Task<string?> WatchMemoryAsync(Process process, int limitMb, CancellationToken cancellationToken)
    {
        while (!process.HasExited)
        {
            process.Refresh();
            long rss;
            try
            {
                rss = process.WorkingSet64;
            }
            catch (InvalidOperationException)
            {
                return null; // exited between the check and the sample
            }

            if (rss > (long)limitMb << 20)
            {
                process.Kill(entireProcessTree: true);
                return $"exceeded the memory limit of {limitMb} MB (resident {rss >> 20} MB) and was killed";
            }

            try
            {
                await process.WaitForExitAsync(cancellationToken).WaitAsync(_limits.MemoryPollInterval, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
        }

        return null;
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : "…" + text[^2000..];
}

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
/// fails with every attempt's reason. Step processes start at a lower CPU priority (<see cref="ChildProcessLimits.Nice"/>)
/// and compute steps run <see cref="ChildProcessLimits.MaxConcurrentComputeSteps"/> at a time.
/// </summary>
/// <param name="store">The store both processes share.</param>
/// <param name="storeRoot">The store's folder, passed as <c>--store</c>.</param>
/// <param name="command">How to start the CLI (<c>dotnet transfer.dll</c> or the apphost).</param>
/// <param name="limits">Retries, memory limit, priority and concurrency.</param>
/// <param name="logger">Where retries are logged.</param>
/// <param name="stepArguments">More <c>transfer step</c> options, after the documents (the host's <c>--device</c>).</param>
public sealed class ChildProcessStepExecutor(IObjectStore store, string storeRoot, IReadOnlyList<string> command, ChildProcessLimits? limits = null, ILogger? logger = null,
    IReadOnlyList<string>? stepArguments = null)
    : IStepExecutor
{
    /// <summary>Exit codes from 128 up mean the process was killed by a signal (128 + its number), not that the step reported an error.</summary>
    private const int SignalExitBase = 128;

    /// <summary>The environment variable naming this host's process id to the step processes it starts.</summary>
    public const string HostProcessVariable = "TRANSFER_STEP_HOST_PID"; // not TF_: that prefix is configuration

    private readonly ChildProcessLimits _limits = (limits ?? new ChildProcessLimits()).Validate();
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly SemaphoreSlim _computeGate = new((limits ?? new ChildProcessLimits()).MaxConcurrentComputeSteps);
    private int _warnedNoNice;

    /// <summary><c>nice</c> on the PATH (null where there is none), found once.</summary>
    private static readonly Lazy<string?> NiceCommand = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "nice")).FirstOrDefault(File.Exists));

    public async Task<JsonElement> ExecuteAsync(StepInvocation invocation, CancellationToken cancellationToken)
    {
        var inputKey = StepDocuments.InputKey(invocation);
        var outputKey = StepDocuments.OutputKey(invocation);
        var done = await store.ReadJsonAsync<JsonElement>(outputKey, cancellationToken);
        if (done is not null) return done.Value;
        await store.WriteJsonAsync(inputKey, invocation, WriteCondition.Always, cancellationToken);

        var crashes = new List<string>();
        var compute = StepNames.Compute.Contains(invocation.StepName);
        for (var attempt = 1; ; attempt++)
        {
            var (exitCode, overLimit, error) = compute ? await GatedAsync(() => RunOnceAsync(invocation, inputKey, outputKey, cancellationToken), cancellationToken)
                : await RunOnceAsync(invocation, inputKey, outputKey, cancellationToken);
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

    /// <summary>Runs <paramref name="attempt"/> holding a compute slot: per attempt, not across a backoff, so another run's compute step may go meanwhile.</summary>
    private async Task<T> GatedAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        await _computeGate.WaitAsync(cancellationToken);
        try
        {
            return await attempt();
        }
        finally
        {
            _computeGate.Release();
        }
    }

    /// <summary>One child process: its exit code, why the parent killed it (over the memory limit) if it did, and its stderr.</summary>
    private async Task<(int ExitCode, string? OverLimit, string Error)> RunOnceAsync(StepInvocation invocation, string inputKey, string outputKey, CancellationToken cancellationToken)
    {
        // Started through nice(1) so that every thread the step creates (libtorch's intra-op threads included) inherits the
        // lower priority from exec on; nice execs the step in its own process, so the pid is the step's.
        var nice = _limits.Nice > 0 ? NiceCommand.Value : null;
        if (_limits.Nice > 0 && nice is null && Interlocked.Exchange(ref _warnedNoNice, 1) == 0)
            _logger.LogWarning("No 'nice' command on the PATH: step processes run at the host's priority instead of nice {Nice}", _limits.Nice);
        var info = new ProcessStartInfo(nice ?? command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (nice is not null)
        {
            foreach (var part in new[] { "-n", _limits.Nice.ToString(System.Globalization.CultureInfo.InvariantCulture), command[0] }) info.ArgumentList.Add(part);
        }

        foreach (var part in command.Skip(1)) info.ArgumentList.Add(part);
        foreach (var part in new[] { "step", invocation.StepName, "--input", inputKey, "--output", outputKey, "--store", storeRoot }) info.ArgumentList.Add(part);
        foreach (var part in stepArguments ?? []) info.ArgumentList.Add(part);
        // The step ends itself if this host dies (a SIGKILL leaves it no chance to stop its children): see the CLI's StepHostWatch.
        info.Environment[HostProcessVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
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

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using TransferFunctions.Cli.Hosting;
using TransferFunctions.Cli.Serve;

namespace TransferFunctions.Cli.Bench;

/// <summary>
/// A real <c>transfer serve</c> child process on a free loopback port over a store folder, its stdout and stderr kept in
/// log files, its resident memory readable from <c>/proc</c>: what the reliability scenarios run against.
/// </summary>
public sealed class ServeProcess : IAsyncDisposable
{
    /// <summary>How long the process may take to print its listening address.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private const string ListeningPrefix = "transfer serve: listening on ";

    private readonly Process _process;
    private readonly Task _pumps;

    private ServeProcess(Process process, Task pumps, Uri baseAddress, string apiKey, string storeRoot, string stdoutLog, string stderrLog)
    {
        _process = process;
        _pumps = pumps;
        BaseAddress = baseAddress;
        ApiKey = apiKey;
        StoreRoot = storeRoot;
        StdoutLog = stdoutLog;
        StderrLog = stderrLog;
    }

    public Uri BaseAddress { get; }

    public string ApiKey { get; }

    public string StoreRoot { get; }

    /// <summary>The process's stdout, as written so far.</summary>
    public string StdoutLog { get; }

    /// <summary>The process's stderr (its log), as written so far.</summary>
    public string StderrLog { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <c>transfer serve</c> over <paramref name="storeRoot"/> with its API key file created first (so the key is
    /// never printed), and returns once it listens.
    /// </summary>
    /// <param name="storeRoot">The store folder (created when missing).</param>
    /// <param name="logDirectory">Where <c>serve.stdout.log</c> and <c>serve.stderr.log</c> go.</param>
    /// <param name="arguments">More <c>serve</c> options (<c>--max-concurrent-runs 2</c>, …).</param>
    /// <param name="environment">More environment variables (configuration as <c>TF_Section__Key</c>).</param>
    /// <param name="workingDirectory">The process's working directory (where it reads <c>appsettings.json</c>); default the log directory.</param>
    /// <param name="cancellationToken">Stops waiting (and kills the process) when cancelled.</param>
    public static async Task<ServeProcess> StartAsync(string storeRoot, string logDirectory, IEnumerable<string>? arguments = null,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeRoot);
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        storeRoot = Path.GetFullPath(storeRoot);
        Directory.CreateDirectory(storeRoot);
        Directory.CreateDirectory(logDirectory);
        var (apiKey, _) = ApiKeyFile.LoadOrCreate(ServeOptions.DefaultApiKeyFile(storeRoot));
        var command = LocalPipeline.SelfCommand();
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? logDirectory,
        };
        foreach (var part in command.Skip(1)) info.ArgumentList.Add(part);
        foreach (var part in new[] { "serve", "--store", storeRoot, "--urls", "http://127.0.0.1:0" }.Concat(arguments ?? [])) info.ArgumentList.Add(part);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var stdoutLog = Path.Combine(logDirectory, "serve.stdout.log");
        var stderrLog = Path.Combine(logDirectory, "serve.stderr.log");
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput, stdoutLog, line =>
            {
                if (line.StartsWith(ListeningPrefix, StringComparison.Ordinal))
                    listening.TrySetResult(new Uri(line[ListeningPrefix.Length..].Split(',')[0].Trim()));
            }),
            PumpAsync(process.StandardError, stderrLog, _ => { }));
        _ = process.WaitForExitAsync(CancellationToken.None).ContinueWith(
            _ => listening.TrySetException(new InvalidOperationException($"transfer serve exited with code {process.ExitCode} before listening; see {stderrLog}")),
            TaskScheduler.Default);
        try
        {
            var address = await listening.Task.WaitAsync(StartTimeout, cancellationToken);
            return new ServeProcess(process, pumps, address, apiKey, storeRoot, stdoutLog, stderrLog);
        }
        catch
        {
            Kill(process);
            await pumps;
            process.Dispose();
            throw;
        }
    }

    /// <summary>An HTTP client for this host that sends the API key.</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = BaseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
        };
        client.DefaultRequestHeaders.Add(ApiKeyAuthentication.HeaderName, ApiKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>Resident memory now and the peak so far (VmRSS, VmHWM of <c>/proc/{pid}/status</c>), in MiB; null once it exited.</summary>
    public (double Current, double Peak)? ResidentMemoryMb()
    {
        try
        {
            double? current = null, peak = null;
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) current = Kilobytes(line) / 1024.0;
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kilobytes(line) / 1024.0;
            }

            return current is { } c && peak is { } p ? (c, p) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Asks the process to stop (SIGTERM: it finishes like Ctrl+C) and waits; kills it when it does not stop in time.</summary>
    public async Task<int> StopAsync(TimeSpan? grace = null)
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
            {
                if (term is not null) await term.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                Kill(_process);
                await _process.WaitForExitAsync();
            }
        }

        await _pumps;
        return _process.ExitCode;
    }

    /// <summary>Kills the process at once (SIGKILL): what a crash looks like to the store.</summary>
    public async Task KillAsync()
    {
        Kill(_process);
        await _process.WaitForExitAsync();
        await _pumps;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await StopAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static long Kilobytes(string statusLine) =>
        long.Parse(statusLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static async Task PumpAsync(StreamReader from, string logFile, Action<string> onLine)
    {
        await using var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        while (await from.ReadLineAsync() is { } line)
        {
            await log.WriteLineAsync(line);
            onLine(line);
        }
    }
}

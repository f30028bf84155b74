using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using TransferFunctions.Cli.Hosting;
using TransferFunctions.Cli.Serve;

namespace TransferFunctions.Cli.Bench.Reliability;

/// <summary>
/// A real <c>transfer serve</c> process on a free loopback port over a store folder, configured through <c>TF_</c>
/// environment variables, with its output captured: the thing the fault scenarios kill (SIGKILL), freeze (SIGSTOP) and
/// restart.
/// </summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "transfer serve: listening on ";
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServeProcess(Process process, string storeRoot)
    {
        _process = process;
        StoreRoot = storeRoot;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string StoreRoot { get; }

    public int ProcessId => _process.Id;

    /// <summary>Sends the store's API key; valid once <see cref="StartAsync"/> returned.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Every line the process wrote so far (stdout and stderr interleaved).</summary>
    public IReadOnlyList<string> Output => _output.ToArray();

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>transfer serve</c> over <paramref name="storeRoot"/> with <paramref name="settings"/> (configuration keys) and waits until it listens.</summary>
    public static async Task<ServeProcess> StartAsync(string storeRoot, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var command = LocalPipeline.SelfCommand();
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var part in command.Skip(1)) info.ArgumentList.Add(part);
        foreach (var part in new[] { "serve", "--store", storeRoot, "--urls", "http://127.0.0.1:0" }) info.ArgumentList.Add(part);
        foreach (var (key, value) in settings) info.Environment["TF_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var serve = new ServeProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {command[0]}"), storeRoot);
        try
        {
            var line = await serve.WaitForOutputAsync(ListeningPrefix, TimeSpan.FromMinutes(2), cancellationToken);
            var address = line[(line.IndexOf(ListeningPrefix, StringComparison.Ordinal) + ListeningPrefix.Length)..].Split(',')[0].Trim();
            var (key, _) = ApiKeyFile.LoadOrCreate(ServeOptions.DefaultApiKeyFile(storeRoot));
            serve.Http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
            serve.Http.DefaultRequestHeaders.Add(ApiKeyAuthentication.HeaderName, key);
            return serve;
        }
        catch
        {
            await serve.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until a line containing <paramref name="text"/> appears and returns it.</summary>
    /// <exception cref="TimeoutException">It did not appear in time, or the process exited first (the message ends with its last lines).</exception>
    public async Task<string> WaitForOutputAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_output.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line) return line;
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new TimeoutException($"transfer serve (pid {_process.Id}) {(_process.HasExited ? $"exited ({_process.ExitCode})" : "did not write")} '{text}' within {timeout}; last output: {Tail()}");
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The last lines of output, for failure messages.</summary>
    public string Tail(int lines = 12) => string.Join(" | ", Output.TakeLast(lines));

    /// <summary>POSTs to an API route (approve, reject, …) and returns the status code.</summary>
    public async Task<int> PostAsync(string path, CancellationToken cancellationToken)
    {
        using var body = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(path, body, cancellationToken);
        return (int)response.StatusCode;
    }

    /// <summary>GETs an API route and returns the status code and body.</summary>
    public async Task<(int Status, string Body)> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(path, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary><c>kill -9</c>: the process dies at once, nothing of it runs again (leases and temporary files stay behind).</summary>
    public async Task KillAsync()
    {
        Signal(SigKill);
        await _process.WaitForExitAsync();
    }

    /// <summary><c>kill -STOP</c>: the process is frozen, as by a stall or a host suspended; its leases expire meanwhile.</summary>
    public void Freeze() => Signal(SigStop);

    /// <summary><c>kill -CONT</c>: a frozen process runs on, believing no time passed.</summary>
    public void Thaw() => Signal(SigCont);

    /// <summary>Stops the process as Ctrl+C would (SIGTERM), killing it if it has not exited within 30 s.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        Signal(SigTerm);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    private void Signal(int signal)
    {
        if (_process.HasExited) return;
        if (Kill(_process.Id, signal) != 0 && !_process.HasExited)
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}"));
    }

    /// <summary>Sends <paramref name="signal"/> to process <paramref name="pid"/> (POSIX kill(2)).</summary>
    public static int SignalProcess(int pid, int signal) => Kill(pid, signal);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Thaw();
            await KillAsync();
        }

        Http?.Dispose();
        _process.Dispose();
    }
}

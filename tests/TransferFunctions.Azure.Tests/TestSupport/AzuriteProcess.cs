using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure.Storage.Blobs;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Azure.Tests.TestSupport;

/// <summary>
/// One real Azurite blob service process (the one <c>./tf setup</c> installs in tools/azurite) on a loopback port, over a
/// data folder. It can be stopped and started again on the same folder and port, which is what a storage outage looks
/// like to a client: connections refused, then the same account with the same data.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's documented, public development account (not a secret: every Azurite has it).</summary>
    private const string DevAccount = "devstoreaccount1";
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly StringBuilder _output = new();
    private readonly string _executable;
    private Process? _process;

    private AzuriteProcess(string executable, string location, int port)
    {
        _executable = executable;
        Location = location;
        Port = port;
    }

    /// <summary>Azurite's data folder (its metadata database and blob extents).</summary>
    public string Location { get; }

    public int Port { get; }

    /// <summary>How long the last start took until Azurite accepted connections.</summary>
    public TimeSpan StartupTime { get; private set; }

    public bool IsRunning => _process is { HasExited: false };

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={DevAccount};AccountKey={DevKey};BlobEndpoint=http://127.0.0.1:{Port}/{DevAccount};";

    public BlobServiceClient ServiceClient() => new(ConnectionString);

    /// <summary>
    /// Starts Azurite over <paramref name="location"/> (created if missing) on a free loopback port below the ephemeral
    /// range (<see cref="LoopbackPorts"/>), so that it can be started again on the same port after an outage; another
    /// process that binds the port first only costs a new port.
    /// </summary>
    public static async Task<AzuriteProcess> StartAsync(string location)
    {
        Directory.CreateDirectory(location);
        var executable = FindAzurite();
        return await LoopbackPorts.StartOnFreePortAsync(async port =>
        {
            var azurite = new AzuriteProcess(executable, location, port);
            try
            {
                await azurite.StartAsync();
                return azurite;
            }
            catch
            {
                await azurite.DisposeAsync();
                throw;
            }
        });
    }

    /// <summary>Starts the process again on the same folder and port (after <see cref="StopAsync"/>).</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"Azurite is already running on port {Port}.");
        }

        _process?.Dispose();
        var start = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Location,
        };
        // --skipApiVersionCheck: Azure.Storage.Blobs 12.30 sends a newer service version than Azurite 3.37 knows.
        foreach (var argument in new[]
                 {
                     "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(CultureInfo.InvariantCulture),
                     "--location", Location, "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        var process = _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {_executable}.");
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = TimeSpan.FromSeconds(60);
        while (clock.Elapsed < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening on port {Port}:\n{Output()}");
            }

            if (await AcceptsConnectionsAsync(Port))
            {
                StartupTime = clock.Elapsed;
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Azurite did not listen on 127.0.0.1:{Port} within {deadline.TotalSeconds:0} s:\n{Output()}");
    }

    /// <summary>
    /// Stops the service as an outage does: SIGTERM to the real process, which closes its listener and connections, writes
    /// its metadata database and exits. Not SIGKILL: Azurite keeps blob metadata in memory and saves it every 5 s, so a
    /// killed Azurite forgets writes it acknowledged, which Azure Storage never does; that would test the emulator.
    /// </summary>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null || process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
            if (kill.ExitCode != 0 && !process.HasExited)
            {
                throw new InvalidOperationException($"kill -TERM {process.Id} (Azurite) failed with exit code {kill.ExitCode}.");
            }
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"Azurite (pid {process.Id}) did not exit within 20 s of SIGTERM and was killed:\n{Output()}");
        }

        // Nothing may answer on the port any more: that is the outage.
        if (await AcceptsConnectionsAsync(Port))
        {
            throw new InvalidOperationException($"Port {Port} still accepts connections after Azurite exited.");
        }
    }

    /// <summary>Freezes the process (SIGSTOP): connections are accepted by the kernel but nothing answers, as with a hung service.</summary>
    public Task FreezeAsync() => SignalAsync("-STOP");

    /// <summary>Lets a frozen process go on (SIGCONT).</summary>
    public Task ThawAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        var process = _process ?? throw new InvalidOperationException("Azurite is not running.");
        using var kill = Process.Start("kill", [signal, process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill {signal} {process.Id} (Azurite) failed with exit code {kill.ExitCode}.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }

    /// <summary>What the process wrote (it runs with --silent, so mostly start-up problems).</summary>
    public string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static string FindAzurite()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var tool = Path.Combine(folder.FullName, "tools", "azurite");
            if (File.Exists(Path.Combine(tool, "package.json")))
            {
                var executable = Path.Combine(tool, "node_modules", ".bin", "azurite-blob");
                return File.Exists(executable)
                    ? executable
                    : throw new InvalidOperationException($"Azurite is not installed ({executable} is missing). Run ./tf setup, which installs it with npm ci in tools/azurite.");
            }
        }

        throw new InvalidOperationException($"Could not find tools/azurite above {AppContext.BaseDirectory}; the Azure tests run from the repository's build output.");
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

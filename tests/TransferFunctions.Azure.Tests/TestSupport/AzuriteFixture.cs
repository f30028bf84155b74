using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure.Storage.Blobs;

namespace TransferFunctions.Azure.Tests.TestSupport;

/// <summary>
/// A real Azurite blob service for the test run: the one installed by <c>./tf setup</c> in tools/azurite, on a free
/// loopback port, with a temporary workspace folder; stopped (and the folder deleted) after the last test.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's documented, public development account (not a secret: every Azurite has it).</summary>
    private const string DevAccount = "devstoreaccount1";
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly StringBuilder _output = new();
    private Process? _process;
    private string? _workspace;

    public int Port { get; private set; }

    /// <summary>How long Azurite took from process start until it accepted connections.</summary>
    public TimeSpan StartupTime { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={DevAccount};AccountKey={DevKey};BlobEndpoint=http://127.0.0.1:{Port}/{DevAccount};";

    public BlobServiceClient ServiceClient() => new(ConnectionString);

    /// <summary>A new, empty container with a unique name.</summary>
    public async Task<BlobContainerClient> CreateContainerAsync(string purpose)
    {
        var container = ServiceClient().GetBlobContainerClient($"{purpose}-{Guid.NewGuid():N}"[..Math.Min(63, purpose.Length + 33)]);
        await container.CreateAsync();
        return container;
    }

    public async Task InitializeAsync()
    {
        var executable = FindAzurite();
        _workspace = Path.Combine(Path.GetTempPath(), "tf-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_workspace);
        Port = FreeLoopbackPort();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _workspace,
        };
        // --skipApiVersionCheck: Azure.Storage.Blobs 12.30 sends a newer service version than Azurite 3.37 knows.
        foreach (var argument in new[]
                 {
                     "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--location", _workspace, "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.ErrorDataReceived += (_, e) => Record(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = TimeSpan.FromSeconds(60);
        while (clock.Elapsed < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} before listening on port {Port}:\n{Output()}");
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

    public async Task DisposeAsync()
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

        if (_workspace is not null)
        {
            try
            {
                Directory.Delete(_workspace, recursive: true);
            }
            catch (IOException)
            {
            }
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

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }
}

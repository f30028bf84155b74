using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using Microsoft.AspNetCore.Builder;
using TransferFunctions.Cli.Commands;
using TransferFunctions.Cli.Serve;
using TransferFunctions.Cli.Tests.TestSupport;

namespace TransferFunctions.Cli.Tests.Security;

/// <summary>
/// What <c>transfer serve</c> refuses: listening beyond loopback unasked (by option or by configuration), request bodies
/// and headers over their limits (also when chunked), keys that are almost right, and key files others could read or write.
/// </summary>
[UnsupportedOSPlatform("windows")] // key files are protected by Unix file modes
public sealed class ServeSecurityTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Dictionary<string, string?> Settings() => new()
    {
        ["Store:Root"] = _folder.Path,
        ["Trigger:RescanInterval"] = "01:00:00",
        ["Trigger:WatchFileSystem"] = "false",
    };

    private static async Task<(int Exit, string Error)> RunRefusedAsync(ServeOptions options)
    {
        var error = new StringWriter();
        // A refused start returns at once; the timeout only bounds a regression that would start serving instead.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return (await ServeCommand.RunAsync(options, TextWriter.Null, stop.Token, error: error), error.ToString());
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://127.0.0.1:0;http://*:0")]
    public async Task Serve_refuses_to_listen_beyond_loopback_unless_asked(string urls)
    {
        var (exit, error) = await RunRefusedAsync(new ServeOptions(urls, null, Settings()));

        Assert.Equal(ServeCommand.UsageExitCode, exit);
        Assert.Contains("beyond loopback", error);
        Assert.Contains("pass --allow-remote (configuration Serve:AllowRemote=true)", error);
        // Refused before anything was set up: no key was created.
        Assert.False(File.Exists(ServeOptions.DefaultApiKeyFile(_folder.Path)));
    }

    [Fact]
    public async Task A_Kestrel_endpoint_in_configuration_cannot_open_serve_to_the_network_unnoticed()
    {
        var settings = Settings();
        settings["Kestrel:Endpoints:Everywhere:Url"] = "http://0.0.0.0:0";

        var (exit, error) = await RunRefusedAsync(new ServeOptions("http://127.0.0.1:0", null, settings));

        Assert.Equal(ServeCommand.UsageExitCode, exit);
        Assert.Contains("asked to listen on http://0.0.0.0:0, beyond loopback", error);
    }

    [Fact]
    public async Task Asked_to_listen_beyond_loopback_serve_does_so_and_says_what_it_exposes()
    {
        var settings = Settings();
        settings[ServeHost.AllowRemoteSetting] = "true";
        var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource<WebApplication>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serving = ServeCommand.RunAsync(new ServeOptions("http://0.0.0.0:0", null, settings), output, stop.Token, app => started.SetResult(app));

        var app = await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var address = new Uri(ServeHost.BoundAddresses(app).Single());
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{address.Port}") };
        var health = await http.GetAsync("/health");
        await stop.CancelAsync();

        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("0.0.0.0", address.Host);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("warning:  listening beyond loopback", output.ToString());
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.GroupWrite)]
    [InlineData(UnixFileMode.OtherRead)]
    public async Task A_key_file_others_can_read_or_write_is_refused_also_when_named_by_option(UnixFileMode extra)
    {
        var keyFile = Path.Combine(_folder.Path, "elsewhere", "my-key");
        ApiKeyFile.LoadOrCreate(keyFile);
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);

        var (exit, error) = await RunRefusedAsync(new ServeOptions("http://127.0.0.1:0", keyFile, Settings()));

        Assert.Equal(ServeCommand.UsageExitCode, exit);
        Assert.Contains($"The API key file {keyFile} is accessible to other users", error);
        Assert.DoesNotContain(File.ReadAllText(keyFile).Trim(), error);
    }

    [Fact]
    public async Task Only_the_exact_key_is_accepted()
    {
        await using var host = await ServeTestHost.StartAsync(_folder.Path);
        var key = host.ApiKey;
        var nearMisses = new[]
        {
            key[..^1], key + "x", key[..^1] + (key[^1] == 'A' ? 'B' : 'A'), (key[0] == 't' ? "T" : "t") + key[1..], " " + key + " x", key.ToUpperInvariant(), "",
        };

        foreach (var presented in nearMisses)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/adaptations");
            request.Headers.TryAddWithoutValidation(ApiKeyAuthentication.HeaderName, presented);
            using var response = await host.Anonymous.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"'{presented}' was let in");
        }

        using var exact = new HttpRequestMessage(HttpMethod.Get, "/api/adaptations");
        exact.Headers.Add("Authorization", "Bearer " + key);
        Assert.Equal(HttpStatusCode.OK, (await host.Anonymous.SendAsync(exact)).StatusCode);
    }

    [Fact]
    public async Task Bodies_and_headers_over_their_limits_are_refused_also_without_a_content_length()
    {
        await using var host = await ServeTestHost.StartAsync(_folder.Path);
        var oversized = "{\"project\":\"fashion\",\"requestedBy\":\"" + new string('x', (int)ServeHost.MaxRequestBodyBytes) + "\"}";

        // Chunked: no Content-Length for Kestrel to refuse up front; the limit is enforced while reading.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/adaptations") { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(oversized))) };
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var chunkedResponse = await host.Http.SendAsync(chunked);

        using var hugeHeader = new HttpRequestMessage(HttpMethod.Get, "/api/adaptations");
        hugeHeader.Headers.TryAddWithoutValidation("X-Padding", new string('p', 64 * 1024));
        using var headerResponse = await host.Http.SendAsync(hugeHeader);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);
        Assert.Contains("Content too large", await chunkedResponse.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, headerResponse.StatusCode);
        Assert.Empty(await host.Client.ListRunsAsync().ToListAsync());
        // The host is fine afterwards.
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/adaptations")).StatusCode);
    }
}

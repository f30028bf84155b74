using System.Net;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using Microsoft.AspNetCore.Builder;
using TransferFunctions.Cli.Commands;
using TransferFunctions.Cli.Serve;
using TransferFunctions.Cli.Tests.TestSupport;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Cli.Tests.Serve;

/// <summary>`transfer serve` as a command: options, the key printed once, a batch dropped into the store becomes a run, Ctrl+C stops it.</summary>
[UnsupportedOSPlatform("windows")] // the key file is protected by Unix file modes, which these tests check
public sealed class ServeCommandTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Dictionary<string, string?> Settings(int maxRuns = 1, string rescan = "00:00:00.300") => new()
    {
        ["Store:Root"] = _folder.Path,
        ["Scheduler:MaxConcurrentRuns"] = maxRuns.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Trigger:RescanInterval"] = rescan,
        ["Runner:PollInterval"] = "00:00:00.050",
    };

    [Fact]
    public async Task Serve_prints_a_new_key_once_runs_a_dropped_batch_of_real_images_and_stops_on_cancel()
    {
        var options = new ServeOptions("http://127.0.0.1:0", null, Settings());
        await Pipeline.Storage.ObjectStoreJsonExtensions.WriteJsonAsync(new Pipeline.Storage.FileSystemObjectStore(_folder.Path), Pipeline.Service.ProjectSettings.KeyOf("fashion"),
            new Pipeline.Service.ProjectSettings("fine-tune", ServeTestHost.Steps, Policy: ServeTestHost.Lenient), Pipeline.Storage.WriteCondition.Always);
        var (firstOutput, firstAddress) = await ServeOnceAsync(options, async (http, address) =>
        {
            await ServeTestHost.DeliverAsync(_folder.Path, "fashion", "b1");
            var runId = ArrivalKeys.RunId("fashion", "b1");
            await ServeTestHost.EventuallyAsync(
                async () =>
                {
                    var response = await http.GetAsync($"/api/adaptations/{runId}");
                    return response.IsSuccessStatusCode
                        && (await response.Content.ReadFromJsonAsync<RunRecord>(Pipeline.Storage.StoreJson.Options))!.Status == RunStatus.Completed;
                },
                "the dropped batch's run completes");
        });
        var key = File.ReadAllText(ServeOptions.DefaultApiKeyFile(_folder.Path)).Trim();
        var (secondOutput, _) = await ServeOnceAsync(options, (_, _) => Task.CompletedTask);

        Assert.Contains($"API key:  {key}", firstOutput);
        Assert.Contains($"dashboard: {firstAddress}/?key={Uri.EscapeDataString(key)}", firstOutput);
        Assert.DoesNotContain(key, secondOutput);
        Assert.Contains($"key file: {ServeOptions.DefaultApiKeyFile(_folder.Path)} (readable by you only)", secondOutput);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ServeOptions.DefaultApiKeyFile(_folder.Path)));
        Assert.DoesNotContain("warning", firstOutput);
        // The batch's local copy is gone once validated: no per-run copies stay behind.
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, ".tfstore-work", ArrivalKeys.RunId("fashion", "b1"))));
    }

    [Fact]
    public async Task Invalid_configuration_stops_serve_at_start_naming_the_setting()
    {
        var error = new StringWriter();
        var settings = Settings();
        settings["Scheduler:MaxConcurrentRuns"] = "0";
        var previous = System.Console.Error;
        System.Console.SetError(error);
        int exit;
        try
        {
            exit = await ServeCommand.RunAsync(new ServeOptions("http://127.0.0.1:0", null, settings), TextWriter.Null, CancellationToken.None);
        }
        finally
        {
            System.Console.SetError(previous);
        }

        Assert.Equal(ServeCommand.UsageExitCode, exit);
        Assert.Contains("invalid configuration: Scheduler settings are out of range", error.ToString());
    }

    [Fact]
    public async Task A_key_file_others_can_read_is_refused_with_the_fix()
    {
        var path = ServeOptions.DefaultApiKeyFile(_folder.Path);
        ApiKeyFile.LoadOrCreate(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = Assert.Throws<InvalidDataException>(() => ApiKeyFile.LoadOrCreate(path));
        var exit = await ServeCommand.RunAsync(new ServeOptions("http://127.0.0.1:0", null, Settings()), TextWriter.Null, CancellationToken.None);

        Assert.Contains($"The API key file {path} is accessible to other users (mode 644)", error.Message);
        Assert.Contains($"chmod 600 {path}", error.Message);
        Assert.Equal(ServeCommand.UsageExitCode, exit);
    }

    [Fact]
    public void Keys_are_random_private_and_kept_across_starts()
    {
        var first = ApiKeyFile.LoadOrCreate(Path.Combine(_folder.Path, "a", "api-key"));
        var again = ApiKeyFile.LoadOrCreate(Path.Combine(_folder.Path, "a", "api-key"));
        var other = ApiKeyFile.LoadOrCreate(Path.Combine(_folder.Path, "b", "api-key"));

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.Key, again.Key);
        Assert.NotEqual(first.Key, other.Key);
        Assert.StartsWith(ApiKeyFile.Prefix, first.Key);
        Assert.Equal(ApiKeyFile.Prefix.Length + 43, first.Key.Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_folder.Path, "a")));
        Assert.Equal(["api-key"], Directory.GetFiles(Path.Combine(_folder.Path, "a")).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080;http://127.0.0.1:0", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://127.0.0.1:5080;http://192.168.1.4:5080", false)]
    public void Loopback_only_urls_are_told_apart(string urls, bool loopback) => Assert.Equal(loopback, ServeHost.IsLoopbackOnly(urls));

    private async Task<(string Output, string Address)> ServeOnceAsync(ServeOptions options, Func<HttpClient, string, Task> whileRunning)
    {
        using var stop = new CancellationTokenSource();
        var output = new StringWriter();
        var ready = new TaskCompletionSource<WebApplication>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serving = ServeCommand.RunAsync(options, output, stop.Token, app => ready.SetResult(app));
        var app = await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var address = ServeHost.BoundAddresses(app).Single();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Add(ApiKeyAuthentication.HeaderName, File.ReadAllText(options.ResolvedApiKeyFile(_folder.Path)).Trim());

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        await whileRunning(http, address);
        await stop.CancelAsync();

        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(30)));
        return (output.ToString(), address);
    }
}

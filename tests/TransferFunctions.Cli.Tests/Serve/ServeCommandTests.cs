using System.Net;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using Microsoft.AspNetCore.Builder;
using TransferFunctions.Cli.Commands;
using TransferFunctions.Cli.Serve;
using TransferFunctions.Cli.Tests.TestSupport;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Registry;

namespace TransferFunctions.Cli.Tests.Serve;

/// <summary>`transfer serve` as a command: options, the key printed once, a batch dropped into the store becomes a run, Ctrl+C stops it.</summary>
[UnsupportedOSPlatform("windows")] // the key file is protected by Unix file modes, which these tests check
public sealed class ServeCommandTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Serve_prints_a_new_key_once_runs_a_dropped_batch_and_stops_on_cancel()
    {
        var options = new ServeOptions(Urls: "http://127.0.0.1:0", StoreDirectory: _folder.Path, MaxConcurrentRuns: 1, RescanInterval: TimeSpan.FromMilliseconds(300));

        var (firstOutput, firstAddress) = await ServeOnceAsync(options, async (http, address) =>
        {
            await ServeTestHost.WriteBatchAsync(new Pipeline.Storage.FileSystemObjectStore(_folder.Path), "fashion", "b1", files: 4);
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
    }

    [Fact]
    public async Task The_real_pipeline_behind_serve_runs_a_submitted_adaptation_through_the_scheduler()
    {
        var options = new ServeOptions(Urls: "http://127.0.0.1:0", StoreDirectory: _folder.Path, MaxConcurrentRuns: 1);
        RunRecord? final = null;

        await ServeOnceAsync(options, async (http, _) =>
        {
            var response = await http.PostAsJsonAsync("/api/adaptations", new { project = "fashion", batch = "b1", baseModel = "no-such-base" });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var id = (await response.Content.ReadFromJsonAsync<RunRecord>(Pipeline.Storage.StoreJson.Options))!.InstanceId;
            await ServeTestHost.EventuallyAsync(
                async () => (final = await http.GetFromJsonAsync<RunRecord>($"/api/adaptations/{id}", Pipeline.Storage.StoreJson.Options))!.IsTerminal,
                "the AdaptModel run ends");
        }, LocalServePipeline.Create);

        Assert.Equal("AdaptModelOrchestrator", final!.Orchestrator);
        Assert.Equal(RunStatus.Failed, final.Status);
        Assert.Equal("validate", final.Steps.Single().Name);
        Assert.Contains("base model 'no-such-base' is neither a package directory nor a registry model", final.Failure!.Message);
    }

    [Fact]
    public async Task A_key_file_others_can_read_is_refused_with_the_fix()
    {
        var path = ServeOptions.DefaultApiKeyFile(_folder.Path);
        ApiKeyFile.LoadOrCreate(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = Assert.Throws<InvalidDataException>(() => ApiKeyFile.LoadOrCreate(path));
        var exit = await ServeCommand.RunAsync(new ServeOptions(Urls: "http://127.0.0.1:0", StoreDirectory: _folder.Path), SmallPipeline, TextWriter.Null, CancellationToken.None);

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

    private static ServePipeline SmallPipeline(Pipeline.Storage.IObjectStore store, IRunScheduler scheduler, Microsoft.Extensions.Logging.ILoggerFactory loggers)
    {
        var registry = new ModelRegistry(store);
        var steps = new SmallPipelineSteps(store, registry);
        var runner = new LocalOrchestrationRunner(store, steps.CreateExecutor(), new LocalRunnerOptions { PollInterval = TimeSpan.FromMilliseconds(20) });
        return new ServePipeline(
            new SmallAdaptationService(new OrchestrationClient(store), registry, scheduler),
            (id, ct) => runner.RunAsync(new SmallAdaptOrchestrator(), id, ct));
    }

    private static async Task<(string Output, string Address)> ServeOnceAsync(ServeOptions options, Func<HttpClient, string, Task> whileRunning, ServePipelineFactory? pipeline = null)
    {
        using var stop = new CancellationTokenSource();
        var output = new StringWriter();
        var ready = new TaskCompletionSource<WebApplication>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serving = ServeCommand.RunAsync(options, pipeline ?? SmallPipeline, output, stop.Token, app => ready.SetResult(app));
        var app = await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var address = ServeHost.BoundAddresses(app).Single();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Add(ApiKeyAuthentication.HeaderName, File.ReadAllText(options.ResolvedApiKeyFile).Trim());

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        await whileRunning(http, address);
        await stop.CancelAsync();

        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(30)));
        return (output.ToString(), address);
    }
}

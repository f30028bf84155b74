using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TransferFunctions.Cli.Commands;
using TransferFunctions.Cli.Serve;
using TransferFunctions.Cli.Tests.TestSupport;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Tests.BadInputs;

/// <summary>
/// The HTTP half of the bad-input catalog, one row per case, against a real <c>transfer serve</c> on loopback: each bad
/// request gets its specific status, title and words at once, and creates no run and no model.
/// </summary>
public sealed class HttpBadInputTests : IAsyncLifetime
{
    private const string Project = "fashion";
    private readonly TemporaryFolder _folder = new();
    private ServeTestHost _host = null!;

    public async Task InitializeAsync()
    {
        // Delivered before the host starts and left unready, so the data-arrival trigger starts no run of its own:
        // every run in the store is one a request made.
        await ServeTestHost.DeliverAsync(_folder.Path, Project, "b1", perClass: 3, holdoutPerClass: 1);
        File.Delete(ReadyMarker("b1"));
        _host = await ServeTestHost.StartAsync(_folder.Path);
    }

    private string ReadyMarker(string batch) => Path.Combine(_folder.Path, "datasets", Project, batch, ValidateStep.ReadyMarker);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _folder.Dispose();
    }

    /// <param name="Key">"good", "none" or "wrong".</param>
    /// <param name="Statuses">The status answered (two where either is right: 400 malformed or 404 unknown).</param>
    public sealed record HttpCase(string Method, string Path, string? Body, int[] Statuses, string Title, string Says, string Key = "good");

    private static readonly Dictionary<string, HttpCase> Cases = new()
    {
        ["no-key"] = new("POST", "/api/adaptations", "{\"project\":\"fashion\"}", [401], "Unauthorized", "", Key: "none"),
        ["wrong-key"] = new("POST", "/api/adaptations", "{\"project\":\"fashion\"}", [401], "Unauthorized", "", Key: "wrong"),
        ["oversized-body"] = new("POST", "/api/adaptations", "{\"project\":\"fashion\",\"requestedBy\":\"" + new string('x', (int)ServeHost.MaxRequestBodyBytes) + "\"}", [413], "Content too large", ""),
        ["malformed-json"] = new("POST", "/api/adaptations", "{\"project\":", [400], "Bad request", "The request body is not a valid AdaptationRequest"),
        ["unknown-field"] = new("POST", "/api/adaptations", "{\"project\":\"fashion\",\"colour\":\"red\"}", [400], "Bad request", "colour"),
        ["json-array-body"] = new("POST", "/api/adaptations", "[\"fashion\"]", [400], "Bad request", "not a valid AdaptationRequest"),
        ["empty-body"] = new("POST", "/api/adaptations", "", [400], "Bad request", "The request body is empty"),
        ["project-traversal"] = new("POST", "/api/adaptations", "{\"project\":\"../fashion\"}", [400], "Bad request", "Field 'project' is invalid"),
        ["batch-missing"] = new("POST", "/api/adaptations", "{\"project\":\"fashion\",\"batch\":\"b9\"}", [404], "Not found", "Batch 'b9' of project 'fashion' does not exist"),
        ["batch-traversal"] = new("POST", "/api/adaptations", "{\"project\":\"fashion\",\"batch\":\"../../../etc\"}", [400], "Bad request", "Field 'batch' is '../../../etc'"),
        ["base-model-path-in-body"] = new("POST", "/api/adaptations", "{\"project\":\"fashion\",\"baseModel\":\"/srv/models/base\"}", [400], "Bad request", "Field 'baseModel'"),
        ["steps-wrong-type"] = new("POST", "/api/adaptations", "{\"project\":\"fashion\",\"steps\":\"many\"}", [400], "Bad request", "steps"),
        ["unknown-run-id"] = new("GET", "/api/adaptations/no-such-run", null, [404], "Not found", "no-such-run"),
        ["run-id-traversal"] = new("GET", "/api/adaptations/..%2F..%2Fetc%2Fpasswd", null, [400, 404], "", ""),
        ["run-id-dot-start"] = new("GET", "/api/adaptations/.hidden", null, [400], "Bad request", "Run id '.hidden' is malformed"),
        ["model-name-traversal"] = new("GET", "/api/models/..%2F..%2Fetc", null, [400, 404], "", ""),
        ["unknown-model"] = new("GET", "/api/models/nosuchmodel", null, [404], "Not found", "nosuchmodel"),
        ["exclude-missing-batch"] = new("POST", "/api/projects/fashion/batches/b9/exclude", null, [404], "Not found", "Batch 'b9' of project 'fashion' does not exist"),
        ["exclude-batch-traversal"] = new("POST", "/api/projects/fashion/batches/..%2F..%2Fetc/exclude", null, [400, 404], "", ""),
        ["exclude-bad-project"] = new("POST", "/api/projects/Fashion!/batches/b1/exclude", null, [400], "Bad request", "Project is invalid"),
        ["exclude-unknown-field"] = new("POST", "/api/projects/fashion/batches/b1/exclude", "{\"why\":\"x\"}", [400], "Bad request", "why"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Bad_requests_are_answered_at_once_and_change_nothing(string name)
    {
        var c = Cases[name];
        var client = c.Key == "good" ? _host.Http : _host.Anonymous;
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path);
        if (c.Key == "wrong") request.Headers.Add(ApiKeyAuthentication.HeaderName, _host.ApiKey + "x");
        if (c.Body is not null) request.Content = new StringContent(c.Body, Encoding.UTF8, "application/json");

        using var response = await client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(c.Statuses.Contains((int)response.StatusCode), $"{name}: {(int)response.StatusCode} {text}");
        if (c.Title.Length > 0)
        {
            using var problem = JsonDocument.Parse(text);
            Assert.Equal(c.Title, problem.RootElement.GetProperty("title").GetString());
            Assert.Contains(c.Says, problem.RootElement.GetProperty("detail").GetString() ?? "", StringComparison.Ordinal);
        }
        Assert.DoesNotContain(_folder.Path, text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.Empty(await _host.Client.ListRunsAsync().ToListAsync());
        Assert.Empty(await _host.Registry.ListVersionsAsync(Project));
        Assert.Empty(await _host.Store.ListAsync(BatchExclusion.PrefixOf(Project)).ToListAsync());
    }

    /// <summary>
    /// One bad batch no longer poisons its project: its run is refused with the store key of the bad file, the batch is
    /// excluded through the API, and the next run of the project trains on the good batch, whose data warning (classes
    /// under the minimum size) is among the run's reasons as the API and <c>transfer runs show</c> give them.
    /// </summary>
    [Fact]
    public async Task A_bad_batch_is_excluded_through_the_api_and_the_project_runs_again_with_its_warnings_in_the_reasons()
    {
        await _host.SettleProjectAsync(Project);
        await File.WriteAllTextAsync(ReadyMarker("b1"), "");
        var bad = Path.Combine(_folder.Path, "datasets", Project, "b2", "Sandal");
        Directory.CreateDirectory(bad);
        await File.WriteAllBytesAsync(Path.Combine(bad, "cut.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
        await File.WriteAllTextAsync(ReadyMarker("b2"), "");

        var poisoned = await SubmitAndWaitAsync(new { project = Project, batch = "b2" });
        var refused = Output(poisoned);
        Assert.Equal("invalid-data", refused.GetProperty("outcome").GetString());
        var reasons = refused.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.Contains(reasons, r => r.StartsWith("datasets/fashion/b2/Sandal/cut.png: ", StringComparison.Ordinal));
        Assert.DoesNotContain(reasons, r => r.Contains(".tfstore-work", StringComparison.Ordinal));

        var exclude = await _host.Http.PostAsJsonAsync("/api/projects/fashion/batches/b2/exclude", new { by = "tester", reason = "truncated upload" });
        Assert.Equal(HttpStatusCode.OK, exclude.StatusCode);
        var listed = await _host.Http.GetFromJsonAsync<JsonElement>("/api/projects/fashion/batches/excluded");
        Assert.Equal("truncated upload", Assert.Single(listed.EnumerateArray()).GetProperty("reason").GetString());
        Assert.True(File.Exists(Path.Combine(bad, "cut.png")), "excluding a batch must keep its files");

        var again = await SubmitAndWaitAsync(new { project = Project, steps = ServeTestHost.Steps });
        var trained = Output(again);
        Assert.NotEqual("invalid-data", trained.GetProperty("outcome").GetString());
        var summary = RunsCommand.Summary(again);
        Assert.Contains(summary.Reasons, r => r.StartsWith("warning [too-few-examples]: ", StringComparison.Ordinal) && r.Contains("fewer than the minimum of 5", StringComparison.Ordinal));
        Assert.Contains(trained.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.StartsWith("warning [too-few-examples]", StringComparison.Ordinal));

        var include = await _host.Http.PostAsync("/api/projects/fashion/batches/b2/include", null);
        Assert.Equal(HttpStatusCode.OK, include.StatusCode);
        Assert.Empty(await _host.Store.ListAsync(BatchExclusion.PrefixOf(Project)).ToListAsync());
    }

    private async Task<RunRecord> SubmitAndWaitAsync(object body)
    {
        var response = await _host.Http.PostAsJsonAsync("/api/adaptations", body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var created = (await response.Content.ReadFromJsonAsync<RunRecord>(StoreJson.Options))!;
        var run = await _host.WaitForRunAsync(created.InstanceId);
        Assert.True(run.Status == RunStatus.Completed, $"{run.Status}: {run.Failure?.Message}");
        return run;
    }

    private static JsonElement Output(RunRecord run) => run.Output ?? throw new InvalidOperationException($"run {run.InstanceId} has no output");
}

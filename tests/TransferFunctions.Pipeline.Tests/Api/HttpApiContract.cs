using System.Text.Json;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Tests.Api;

/// <summary>
/// The HTTP API's contract (one API, two hosts), written once and run on each host: <c>transfer serve</c> over real
/// Kestrel, the Functions app through its HTTP functions. A host's test class derives from this, says how a request
/// reaches the host and how the host's state is read, and keeps its own cases beside these. Paths are those of
/// <see cref="ApiRoutes"/>; only health and the report files live elsewhere on each host.
/// </summary>
public abstract class HttpApiContract
{
    /// <summary>The <c>Content-Type</c> of every JSON answer but problems.</summary>
    protected const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>Sends a request with the API key (or, where the platform checks keys, as it arrives past that check).</summary>
    /// <param name="method">GET, POST, ….</param>
    /// <param name="path">The path as sent: percent-encoded, no query.</param>
    /// <param name="body">The JSON body as text (sent as <c>application/json</c>); null sends none.</param>
    /// <param name="headers">More request headers.</param>
    protected abstract Task<HttpApiResponse> SendAsync(string method, string path, string? body = null, params (string Name, string Value)[] headers);

    /// <summary>Sends a request without any key.</summary>
    protected abstract Task<HttpApiResponse> SendWithoutKeyAsync(string method, string path);

    /// <summary>Proves, as this host can, that <paramref name="method"/> <paramref name="path"/> is refused without the right key.</summary>
    protected abstract Task AssertNeedsKeyAsync(string method, string path);

    /// <summary>The health route (<c>/health</c> locally; under the Functions route prefix, <c>/api/health</c>).</summary>
    protected abstract string HealthPath { get; }

    /// <summary>The folder the run report routes start with (<c>/runs</c> locally; <c>/api/runs</c> on Functions).</summary>
    protected abstract string ReportsPath { get; }

    /// <summary>The folder of the host's filesystem store.</summary>
    protected abstract string StoreRoot { get; }

    /// <summary>The correlation ids this host puts in a 500 (its trace id, else its own request id).</summary>
    protected abstract string CorrelationIdPattern { get; }

    /// <summary>The ids of every run the host has, read the way that host's own tests read them.</summary>
    protected abstract Task<IReadOnlyList<string>> RunIdsAsync();

    /// <summary>The run's record once it has ended.</summary>
    protected abstract Task<RunRecord> WaitForRunAsync(string runId);

    /// <summary>Every route of the API but health: each needs the key on every host.</summary>
    public static TheoryData<string, string> GuardedRoutes => new()
    {
        { "POST", ApiRoutes.Adaptations },
        { "GET", ApiRoutes.Adaptations },
        { "GET", ApiRoutes.Run("run-1") },
        { "POST", ApiRoutes.Run("run-1") + "/approve" },
        { "POST", ApiRoutes.Run("run-1") + "/reject" },
        { "POST", ApiRoutes.Run("run-1") + "/cancel" },
        { "GET", ApiRoutes.Models },
        { "GET", ApiRoutes.Models + "/fashion" },
        { "POST", ApiRoutes.Models + "/fashion/rollback" },
        { "GET", "{reports}/run-1/report.html" },
        { "GET", "{reports}/run-1/report.json" },
    };

    [Fact]
    public async Task Health_answers_without_a_key()
    {
        var response = await SendWithoutKeyAsync("GET", HealthPath);

        Assert.Equal(200, response.Status);
        Assert.Equal(JsonContentType, response.Header("Content-Type"));
        Assert.Equal("ok", response.Json.GetProperty("status").GetString());
        Assert.True(response.Json.GetProperty("store").GetProperty("reachable").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(GuardedRoutes), MemberType = typeof(HttpApiContract))]
    public async Task Every_route_but_health_needs_the_key(string method, string path)
    {
        await AssertNeedsKeyAsync(method, Resolve(path));

        Assert.Empty(await RunIdsAsync());
    }

    [Theory]
    [InlineData("", "The request body is empty")]
    [InlineData("{}", "Field 'project' is required")]
    [InlineData("{\"project\": \"\"}", "Field 'project' is required")]
    [InlineData("{\"projcet\": \"fashion\"}", "'projcet'")]
    [InlineData("{\"project\": 5}", "at field 'project'")]
    [InlineData("{\"project\": \"fashion\", \"policy\": {\"minImprovement\": \"lots\"}}", "at field 'policy.minImprovement'")]
    [InlineData("{\"project\": \"Fashion MNIST\"}", "Field 'project' is invalid: project 'Fashion MNIST' is not a valid name")]
    [InlineData("{\"project\": \"../fashion\"}", "Field 'project' is invalid")]
    [InlineData("{\"project\": ", "not a valid AdaptationRequest")]
    [InlineData("{\"project\": \"fashion\", \"strategy\": \"magic\"}", "Field 'strategy' is 'magic': use one of")]
    public async Task A_bad_submission_is_a_400_naming_the_field(string body, string expected)
    {
        var response = await SendAsync("POST", ApiRoutes.Adaptations, body);

        AssertProblem(response, 400, expected, ApiRoutes.Adaptations);
        Assert.Empty(await RunIdsAsync());
    }

    [Fact]
    public async Task A_bad_idempotency_key_is_a_400_naming_the_header()
    {
        var response = await SendAsync("POST", ApiRoutes.Adaptations, "{\"project\": \"fashion\"}", (ApiRoutes.IdempotencyHeader, "../escape"));

        AssertProblem(response, 400, "Header 'Idempotency-Key' is '../escape'", ApiRoutes.Adaptations);
        Assert.Empty(await RunIdsAsync());
    }

    [Theory]
    [InlineData("GET", "/api/adaptations/no-such-run", null, 404, "No run 'no-such-run' exists")]
    [InlineData("POST", "/api/adaptations/no-such-run/approve", null, 404, "No run 'no-such-run' exists")]
    [InlineData("POST", "/api/adaptations/no-such-run/reject", null, 404, "No run 'no-such-run' exists")]
    [InlineData("POST", "/api/adaptations/no-such-run/cancel", null, 404, "No run 'no-such-run' exists")]
    [InlineData("GET", "/api/adaptations/.hidden", null, 400, "Run id '.hidden' is malformed")]
    [InlineData("POST", "/api/adaptations/x/approve", "{\"by\": 3}", 400, "at field 'by'")]
    [InlineData("POST", "/api/adaptations/x/reject", "{\"reason\": \"no\", \"because\": \"no\"}", 400, "'because'")]
    [InlineData("GET", "/api/models/no-such-model", null, 404, "No model 'no-such-model' is registered")]
    [InlineData("GET", "/api/models/Bad%20Name", null, 400, "Model name 'Bad Name' is malformed")]
    [InlineData("POST", "/api/models/no-such-model/rollback", null, 404, "No model 'no-such-model' is registered")]
    [InlineData("POST", "/api/models/shoes/rollback", "{\"version\": 0}", 400, "Field 'version' is 0")]
    [InlineData("GET", "{reports}/no-such-run/report.html", null, 404, "Run 'no-such-run' has no file 'report.html'")]
    [InlineData("GET", "{reports}/no-such-run/journal", null, 404, "Only report files")]
    [InlineData("GET", "{reports}/no-such-run/.tfstore-secret.json", null, 400, "reserved for the store's own files")]
    public async Task Unknown_or_malformed_names_get_specific_problems(string method, string path, string? body, int status, string expected)
    {
        var response = await SendAsync(method, Resolve(path), body);

        AssertProblem(response, status, expected, Resolve(path));
        Assert.Empty(await RunIdsAsync());
    }

    /// <summary>An encoded '/' stays inside the one route value it is in, which then names nothing: a 400, never a file elsewhere.</summary>
    [Theory]
    [InlineData("GET", "/api/adaptations/..%2F..%2Fetc%2Fpasswd", "is malformed")]
    [InlineData("POST", "/api/adaptations/..%2Fruns%2Fx/cancel", "is malformed")]
    [InlineData("GET", "/api/models/..%2F..%2Fetc", "is malformed")]
    [InlineData("POST", "/api/models/..%2Fshoes/rollback", "is malformed")]
    [InlineData("GET", "{reports}/..%2F..%2Fetc/report.html", "..%2F..%2Fetc")]
    public async Task Traversal_in_a_route_value_is_a_400_that_reveals_nothing(string method, string path, string expected)
    {
        var response = await SendAsync(method, Resolve(path));

        AssertProblem(response, 400, expected, Resolve(path));
        Assert.DoesNotContain(StoreRoot, response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", response.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/adaptations")]
    [InlineData("/api/adaptations/x/approve")]
    [InlineData("/api/models/shoes/rollback")]
    public async Task A_body_larger_than_the_limit_is_a_413(string path)
    {
        var huge = "{\"project\":\"fashion\",\"requestedBy\":\"" + new string('x', (int)ApiBodies.MaxBytes) + "\"}";

        var response = await SendAsync("POST", path, huge);

        AssertProblem(response, 413, $"The request body is larger than {ApiBodies.MaxBytes} bytes; requests are small JSON documents.", path);
        Assert.Equal("Content too large", response.Json.GetProperty("title").GetString());
        Assert.Empty(await RunIdsAsync());
    }

    [Fact]
    public async Task Submission_is_accepted_with_its_location_and_the_same_idempotency_key_makes_one_run()
    {
        // No data under datasets/fashion/ and no batch named (a named batch that does not exist is a 404 at submission):
        // the run ends quickly as invalid data, through validate and report.
        var first = await SendAsync("POST", ApiRoutes.Adaptations, "{\"project\": \"fashion\"}", (ApiRoutes.IdempotencyHeader, "my-run-1"));
        var second = await SendAsync("POST", ApiRoutes.Adaptations, "{\"project\": \"fashion\"}", (ApiRoutes.IdempotencyHeader, "my-run-1"));

        Assert.Equal(202, first.Status);
        Assert.Equal(JsonContentType, first.Header("Content-Type"));
        Assert.Equal("/api/adaptations/my-run-1", first.Header("Location"));
        var run = Record(first);
        Assert.Equal(("my-run-1", AdaptationService.OrchestratorName), (run.InstanceId, run.Orchestrator));
        Assert.Equal("fashion", run.Input!.Value.GetProperty("project").GetString());
        Assert.Equal("http api", run.Input.Value.GetProperty("requestedBy").GetString());
        Assert.Equal(202, second.Status);
        Assert.Equal("my-run-1", Record(second).InstanceId);

        var done = await WaitForRunAsync("my-run-1");
        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal("invalid-data", done.Output!.Value.GetProperty("outcome").GetString());
        var shown = await SendAsync("GET", ApiRoutes.Run("my-run-1"));
        Assert.Equal((200, RunStatus.Completed), (shown.Status, Record(shown).Status));
        var listed = (await SendAsync("GET", ApiRoutes.Adaptations)).Json;
        Assert.Equal(["my-run-1"], listed.EnumerateArray().Select(r => r.GetProperty("instanceId").GetString()));
        Assert.Equal("Completed", listed[0].GetProperty("status").GetString());
        Assert.Equal(["my-run-1"], await RunIdsAsync());

        var report = await SendAsync("GET", $"{ReportsPath}/my-run-1/report.html");
        Assert.Equal(200, report.Status);
        Assert.Equal("text/html; charset=utf-8", report.Header("Content-Type"));
        Assert.Equal(ReportFiles.ContentSecurityPolicy, report.Header("Content-Security-Policy"));
        Assert.Equal("nosniff", report.Header("X-Content-Type-Options"));
        Assert.Contains("invalid-data", report.Text);
        // A client that has the page asks whether it changed: 304 with the validators and no body, unless its tag is another.
        var tag = report.Header("ETag");
        Assert.Matches("^\"[^\"]+\"$", tag);
        var unchanged = await SendAsync("GET", $"{ReportsPath}/my-run-1/report.html", null, ("If-None-Match", $"\"other\", W/{tag}"));
        Assert.Equal((304, "", tag), (unchanged.Status, unchanged.Text, unchanged.Header("ETag")));
        Assert.Equal("no-cache", unchanged.Header("Cache-Control"));
        var changed = await SendAsync("GET", $"{ReportsPath}/my-run-1/report.html", null, ("If-None-Match", "\"other\""));
        Assert.Equal(200, changed.Status);
        Assert.Equal(report.Text, changed.Text);
        AssertProblem(await SendAsync("GET", $"{ReportsPath}/my-run-1/journal"), 404, "Only report files", $"{ReportsPath}/my-run-1/journal");
        AssertProblem(await SendAsync("GET", $"{ReportsPath}/my-run-1/nothing.html"), 404, "Run 'my-run-1' has no file 'nothing.html'", $"{ReportsPath}/my-run-1/nothing.html");

        AssertProblem(await SendAsync("POST", "/api/adaptations/my-run-1/approve"), 409, "Run 'my-run-1' is Completed; there is nothing left to approve", "/api/adaptations/my-run-1/approve");
        AssertProblem(await SendAsync("POST", "/api/adaptations/my-run-1/reject"), 409, "nothing left to reject", "/api/adaptations/my-run-1/reject");
        AssertProblem(await SendAsync("POST", "/api/adaptations/my-run-1/cancel"), 409, "nothing left to cancel", "/api/adaptations/my-run-1/cancel");
    }

    [Fact]
    public async Task A_base_model_path_in_a_request_is_refused_and_a_server_fault_is_a_500_with_a_correlation_id()
    {
        var path = await SendAsync("POST", ApiRoutes.Adaptations, "{\"project\": \"fashion\", \"baseModel\": \"/etc\"}");
        var relative = await SendAsync("POST", ApiRoutes.Adaptations, "{\"project\": \"fashion\", \"baseModel\": \"dir:../../etc\"}");
        AssertProblem(path, 400, "paths are not accepted", ApiRoutes.Adaptations);
        AssertProblem(relative, 400, "Field 'baseModel'", ApiRoutes.Adaptations);
        Assert.Empty(await RunIdsAsync());

        // A corrupt registry card is the server's fault, not the client's: 500, no internals, an id that is in the log.
        // (A corrupt run record is not: it shows as that run failed, see the reliability scenarios.)
        Directory.CreateDirectory(Path.Combine(StoreRoot, "models", "broken", "v1"));
        await File.WriteAllTextAsync(Path.Combine(StoreRoot, "models", "broken", "v1", "model.json"), "{ not json");
        var fault = await SendAsync("GET", "/api/models/broken");

        AssertProblem(fault, 500, "quote correlation id", "/api/models/broken");
        var problem = fault.Json;
        var correlation = problem.GetProperty("correlationId").GetString()!;
        Assert.Matches(CorrelationIdPattern, correlation);
        Assert.Contains(correlation, problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("not json", fault.Text);
        Assert.DoesNotContain(StoreRoot, fault.Text, StringComparison.Ordinal);
    }

    /// <summary>A problem-details answer as both hosts write it: status, content type, RFC 9110 type, title, the detail's words, the path as sent.</summary>
    protected static void AssertProblem(HttpApiResponse response, int status, string detail, string instance)
    {
        Assert.True(response.Status == status, $"expected {status}, got {response.Status}: {response.Text}");
        Assert.Equal(ApiProblem.ContentType, response.Header("Content-Type"));
        var problem = response.Json;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
        Assert.Equal(instance, problem.GetProperty("instance").GetString());
        Assert.StartsWith("https://tools.ietf.org/html/rfc9110#section-15.", problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
    }

    /// <summary>A run record as the API shows it (the store's JSON dialect).</summary>
    protected static RunRecord Record(HttpApiResponse response)
    {
        Assert.True(response.Status is >= 200 and < 300, $"{response.Status}: {response.Text}");
        return JsonSerializer.Deserialize<RunRecord>(response.Text, StoreJson.Options)!;
    }

    private string Resolve(string path) => path.Replace("{reports}", ReportsPath, StringComparison.Ordinal);
}

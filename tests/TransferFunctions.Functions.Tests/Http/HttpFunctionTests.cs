using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using TransferFunctions.Functions.Http;
using TransferFunctions.Functions.Tests.Orchestration;
using TransferFunctions.Functions.Tests.TestSupport;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Tests.Http;

/// <summary>
/// The HTTP functions called as the worker calls them (its request and response types, the real Durable client of
/// the test host, a real store), without the Functions host: the routes, JSON shapes and problem details of <c>transfer serve</c>.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class HttpFunctionTests(TargetBatches batches) : IAsyncLifetime
{
    private readonly TemporaryFolder _folder = new();
    private DurableTestApp _app = null!;
    private AdaptationHttpFunctions _adaptations = null!;
    private ModelHttpFunctions _models = null!;
    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _app = await DurableTestApp.StartAsync(_folder.Path);
        _adaptations = _app.Create<AdaptationHttpFunctions>();
        _models = _app.Create<ModelHttpFunctions>();
    }

    private async Task<TestHttpResponseData> Submit(string body, params (string, string)[] headers) =>
        (TestHttpResponseData)await _adaptations.SubmitAsync(TestHttpRequestData.Post("/api/adaptations", body, headers), _app.Client, Ct);

    private async Task<TestHttpResponseData> GetRun(string id) =>
        (TestHttpResponseData)await _adaptations.GetAsync(TestHttpRequestData.Get($"/api/adaptations/{id}"), id, _app.Client, Ct);

    private async Task<TestHttpResponseData> ListRuns() =>
        (TestHttpResponseData)await _adaptations.ListAsync(TestHttpRequestData.Get("/api/adaptations"), _app.Client, Ct);

    private static RunRecord Record(TestHttpResponseData response) => StoreJson.Deserialize<RunRecord>(System.Text.Encoding.UTF8.GetBytes(response.Text), "response");

    private static void AssertProblem(TestHttpResponseData response, int status, string detail, string path)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(ApiResponses.ProblemContentType, response.Header("Content-Type"));
        var problem = response.Json;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
        Assert.Equal(path, problem.GetProperty("instance").GetString());
        Assert.StartsWith("https://tools.ietf.org/html/rfc9110#section-15.", problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
    }

    [Theory]
    [InlineData("", "The request body is empty")]
    [InlineData("{}", "Field 'project' is required")]
    [InlineData("{\"project\": \"\"}", "Field 'project' is required")]
    [InlineData("{\"projcet\": \"fashion\"}", "'projcet'")]
    [InlineData("{\"project\": 5}", "at field 'project'")]
    [InlineData("{\"project\": \"fashion\", \"policy\": {\"minImprovement\": \"lots\"}}", "at field 'policy.minImprovement'")]
    [InlineData("{\"project\": \"Fashion MNIST\"}", "Field 'project' is invalid: project 'Fashion MNIST' is not a valid name")]
    [InlineData("{\"project\": ", "not a valid AdaptationRequest")]
    [InlineData("{\"project\": \"fashion\", \"strategy\": \"magic\"}", "Field 'strategy' is 'magic': use one of")]
    public async Task A_bad_submission_is_a_400_naming_the_field(string body, string expected)
    {
        var response = await Submit(body);

        AssertProblem(response, 400, expected, "/api/adaptations");
        Assert.Equal(0, (await ListRuns()).Json.GetArrayLength());
    }

    [Fact]
    public async Task A_bad_idempotency_key_is_a_400_naming_the_header()
    {
        var response = await Submit("{\"project\": \"fashion\"}", (AdaptationHttpFunctions.IdempotencyHeader, "../escape"));

        AssertProblem(response, 400, "Header 'Idempotency-Key' is '../escape'", "/api/adaptations");
    }

    [Fact]
    public async Task Unknown_or_malformed_names_get_specific_problems()
    {
        var cases = new (Func<Task<Microsoft.Azure.Functions.Worker.Http.HttpResponseData>> Call, string Path, int Status, string Detail)[]
        {
            (() => _adaptations.GetAsync(TestHttpRequestData.Get("/api/adaptations/no-such-run"), "no-such-run", _app.Client, Ct), "/api/adaptations/no-such-run", 404, "No run 'no-such-run' exists"),
            (() => _adaptations.ApproveAsync(TestHttpRequestData.Post("/api/adaptations/no-such-run/approve"), "no-such-run", _app.Client, Ct), "/api/adaptations/no-such-run/approve", 404, "No run 'no-such-run' exists"),
            (() => _adaptations.RejectAsync(TestHttpRequestData.Post("/api/adaptations/no-such-run/reject"), "no-such-run", _app.Client, Ct), "/api/adaptations/no-such-run/reject", 404, "No run 'no-such-run' exists"),
            (() => _adaptations.CancelAsync(TestHttpRequestData.Post("/api/adaptations/no-such-run/cancel"), "no-such-run", _app.Client, Ct), "/api/adaptations/no-such-run/cancel", 404, "No run 'no-such-run' exists"),
            (() => _adaptations.GetAsync(TestHttpRequestData.Get("/api/adaptations/.hidden"), ".hidden", _app.Client, Ct), "/api/adaptations/.hidden", 400, "Run id '.hidden' is malformed"),
            (() => _adaptations.ApproveAsync(TestHttpRequestData.Post("/api/adaptations/x/approve", "{\"by\": 3}"), "x", _app.Client, Ct), "/api/adaptations/x/approve", 400, "at field 'by'"),
            (() => _models.GetAsync(TestHttpRequestData.Get("/api/models/no-such-model"), "no-such-model", _app.Client, Ct), "/api/models/no-such-model", 404, "No model 'no-such-model' is registered"),
            (() => _models.GetAsync(TestHttpRequestData.Get("/api/models/Bad%20Name"), "Bad Name", _app.Client, Ct), "/api/models/Bad%20Name", 400, "Model name 'Bad Name' is malformed"),
            (() => _models.RollbackAsync(TestHttpRequestData.Post("/api/models/no-such-model/rollback"), "no-such-model", _app.Client, Ct), "/api/models/no-such-model/rollback", 404, "No model 'no-such-model' is registered"),
            (() => _models.RollbackAsync(TestHttpRequestData.Post("/api/models/shoes/rollback", "{\"version\": 0}"), "shoes", _app.Client, Ct), "/api/models/shoes/rollback", 400, "Field 'version' is 0"),
        };

        foreach (var (call, path, status, detail) in cases)
        {
            AssertProblem((TestHttpResponseData)await call(), status, detail, path);
        }
    }

    [Fact]
    public async Task Submission_is_accepted_with_its_location_and_the_same_idempotency_key_makes_one_run()
    {
        // No data under datasets/fashion/ and no batch named (a named batch that does not exist is a 404 at submission):
        // the run ends quickly as invalid data, through validate and report.
        var first = await Submit("{\"project\": \"fashion\"}", (AdaptationHttpFunctions.IdempotencyHeader, "my-run-1"));
        var second = await Submit("{\"project\": \"fashion\"}", (AdaptationHttpFunctions.IdempotencyHeader, "my-run-1"));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(ApiResponses.JsonContentType, first.Header("Content-Type"));
        Assert.Equal("/api/adaptations/my-run-1", first.Header("Location"));
        var run = Record(first);
        Assert.Equal(("my-run-1", "AdaptModelOrchestrator"), (run.InstanceId, run.Orchestrator));
        Assert.Equal("fashion", run.Input!.Value.GetProperty("project").GetString());
        Assert.Equal("http api", run.Input.Value.GetProperty("requestedBy").GetString());
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal("my-run-1", Record(second).InstanceId);

        var done = await Eventually.WaitAsync(async () => Record(await GetRun("my-run-1")), r => r.IsTerminal, "my-run-1 to finish");
        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal("invalid-data", done.Output!.Value.GetProperty("outcome").GetString());
        var listed = (await ListRuns()).Json;
        Assert.Equal(["my-run-1"], listed.EnumerateArray().Select(r => r.GetProperty("instanceId").GetString()));
        Assert.Equal("Completed", listed[0].GetProperty("status").GetString());

        var reports = _app.Create<ReportHttpFunctions>();
        var report = (TestHttpResponseData)await reports.GetAsync(TestHttpRequestData.Get("/api/runs/my-run-1/report.html"), "my-run-1", "report.html", Ct);
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal("text/html; charset=utf-8", report.Header("Content-Type"));
        Assert.Equal(ReportHttpFunctions.ReportContentSecurityPolicy, report.Header("Content-Security-Policy"));
        Assert.Contains("invalid-data", report.Text);
        AssertProblem((TestHttpResponseData)await reports.GetAsync(TestHttpRequestData.Get("/api/runs/my-run-1/journal"), "my-run-1", "journal", Ct), 404, "Only report files", "/api/runs/my-run-1/journal");
        AssertProblem((TestHttpResponseData)await reports.GetAsync(TestHttpRequestData.Get("/api/runs/my-run-1/nothing.html"), "my-run-1", "nothing.html", Ct), 404, "Run 'my-run-1' has no file 'nothing.html'", "/api/runs/my-run-1/nothing.html");

        var late = (TestHttpResponseData)await _adaptations.ApproveAsync(TestHttpRequestData.Post("/api/adaptations/my-run-1/approve"), "my-run-1", _app.Client, Ct);
        AssertProblem(late, 409, "Run 'my-run-1' is Completed; there is nothing left to approve", "/api/adaptations/my-run-1/approve");
        var cancel = (TestHttpResponseData)await _adaptations.CancelAsync(TestHttpRequestData.Post("/api/adaptations/my-run-1/cancel"), "my-run-1", _app.Client, Ct);
        AssertProblem(cancel, 409, "nothing left to cancel", "/api/adaptations/my-run-1/cancel");
    }

    [Fact]
    public async Task Approval_over_http_promotes_and_the_models_routes_show_the_champion()
    {
        await batches.DeliverAsync(_folder.Path, PipelineScenarios.Project, "b1", perClass: 20);
        var body = JsonSerializer.Serialize(PipelineScenarios.Request(PipelineScenarios.Lenient with { RequireApproval = true }), StoreJson.Options);
        var submitted = Record(await Submit(body, (AdaptationHttpFunctions.IdempotencyHeader, "approve-me")));
        Assert.Equal("approve-me", submitted.InstanceId);

        var waiting = await Eventually.WaitAsync(async () => Record(await GetRun("approve-me")), r => r.Status == RunStatus.WaitingForEvent || r.IsTerminal, "approve-me to wait for approval");
        Assert.Equal(RunStatus.WaitingForEvent, waiting.Status);
        Assert.Equal("awaiting-approval", waiting.CustomStatus!.Value.GetProperty("step").GetString());

        var approved = (TestHttpResponseData)await _adaptations.ApproveAsync(TestHttpRequestData.Post("/api/adaptations/approve-me/approve", "{\"by\": \"alice\"}"), "approve-me", _app.Client, Ct);
        Assert.Equal(HttpStatusCode.Accepted, approved.StatusCode);
        Assert.Equal("/api/adaptations/approve-me", approved.Header("Location"));
        var done = await Eventually.WaitAsync(async () => Record(await GetRun("approve-me")), r => r.IsTerminal, "approve-me to finish");
        Assert.Equal("promoted", done.Output!.Value.GetProperty("outcome").GetString());

        var models = (TestHttpResponseData)await _models.ListAsync(TestHttpRequestData.Get("/api/models"), _app.Client, Ct);
        Assert.Equal([PipelineScenarios.Project], models.Json.EnumerateArray().Select(m => m.GetString()));
        var model = ((TestHttpResponseData)await _models.GetAsync(TestHttpRequestData.Get("/api/models/shoes"), "shoes", _app.Client, Ct)).Json;
        Assert.Equal(1, model.GetProperty("champion").GetProperty("version").GetInt32());
        Assert.Equal("approve-me", model.GetProperty("versions")[0].GetProperty("runId").GetString());
        // One version only: nothing to roll back to.
        var rollback = (TestHttpResponseData)await _models.RollbackAsync(TestHttpRequestData.Post("/api/models/shoes/rollback"), "shoes", _app.Client, Ct);
        AssertProblem(rollback, 409, "Model 'shoes' v1 has no previous champion", "/api/models/shoes/rollback");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }
}

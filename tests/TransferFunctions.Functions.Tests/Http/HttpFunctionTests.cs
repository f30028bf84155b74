using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using TransferFunctions.Functions.Http;
using TransferFunctions.Functions.Tests.Orchestration;
using TransferFunctions.Functions.Tests.TestSupport;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.Api;

namespace TransferFunctions.Functions.Tests.Http;

/// <summary>
/// The HTTP API's contract (<see cref="HttpApiContract"/>, the cases <c>transfer serve</c> runs too) and this app's own
/// cases, on the HTTP functions called as the worker calls them (its request and response types, the real Durable client
/// of the test host, a real store), routed by their triggers' routes (<see cref="HttpFunctionRoutes"/>) without the
/// Functions host. The host checks the function keys; what the app decides is each function's key level.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class HttpFunctionTests(TargetBatches batches) : HttpApiContract, IAsyncLifetime
{
    private readonly TemporaryFolder _folder = new();
    private DurableTestApp _app = null!;
    private HttpFunctionRoutes _routes = null!;

    public async Task InitializeAsync()
    {
        _app = await DurableTestApp.StartAsync(_folder.Path);
        _routes = new HttpFunctionRoutes(_app);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    protected override string HealthPath => "/api/health";

    protected override string ReportsPath => "/api/runs";

    protected override string StoreRoot => _folder.Path;

    /// <summary>The trace id when the invocation is traced, else the invocation id (a GUID).</summary>
    protected override string CorrelationIdPattern => "^[0-9a-f]{32}$|^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$";

    protected override async Task<HttpApiResponse> SendAsync(string method, string path, string? body = null, params (string Name, string Value)[] headers) =>
        Answer(await _routes.SendAsync(method, path, body, headers));

    /// <summary>The Functions host lets a request without a key through to an anonymous function only.</summary>
    protected override async Task<HttpApiResponse> SendWithoutKeyAsync(string method, string path)
    {
        Assert.Equal(AuthorizationLevel.Anonymous, _routes.TriggerOf(method, path).AuthLevel);
        return Answer(await _routes.SendAsync(method, path));
    }

    /// <summary>The Functions host refuses a request without the function's key (or a host key) to a function-level function.</summary>
    protected override Task AssertNeedsKeyAsync(string method, string path)
    {
        var level = _routes.TriggerOf(method, path).AuthLevel;
        Assert.True(level >= AuthorizationLevel.Function, $"{method} {path} is {level}: the Functions host would let it be called without a key");
        return Task.CompletedTask;
    }

    protected override async Task<IReadOnlyList<string>> RunIdsAsync() =>
        (await SendAsync("GET", "/api/adaptations")).Json.EnumerateArray().Select(r => r.GetProperty("instanceId").GetString()!).ToList();

    protected override async Task<RunRecord> WaitForRunAsync(string runId) =>
        await Eventually.WaitAsync(async () => Record(await SendAsync("GET", $"/api/adaptations/{runId}")), r => r.IsTerminal, $"{runId} to finish");

    private static HttpApiResponse Answer(TestHttpResponseData response) =>
        new((int)response.StatusCode, response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase), response.Text);

    [Fact]
    public async Task Approval_over_http_promotes_and_the_models_routes_show_the_champion()
    {
        await batches.DeliverAsync(_folder.Path, PipelineScenarios.Project, "b1", perClass: 20);
        var body = JsonSerializer.Serialize(PipelineScenarios.Request(PipelineScenarios.Lenient with { RequireApproval = true }), StoreJson.Options);
        var submitted = Record(await SendAsync("POST", "/api/adaptations", body, (AdaptationHttpFunctions.IdempotencyHeader, "approve-me")));
        Assert.Equal("approve-me", submitted.InstanceId);

        var waiting = await Eventually.WaitAsync(async () => Record(await SendAsync("GET", "/api/adaptations/approve-me")), r => r.Status == RunStatus.WaitingForEvent || r.IsTerminal, "approve-me to wait for approval");
        Assert.Equal(RunStatus.WaitingForEvent, waiting.Status);
        Assert.Equal("awaiting-approval", waiting.CustomStatus!.Value.GetProperty("step").GetString());

        var approved = await SendAsync("POST", "/api/adaptations/approve-me/approve", "{\"by\": \"alice\"}");
        Assert.Equal((int)HttpStatusCode.Accepted, approved.Status);
        Assert.Equal("/api/adaptations/approve-me", approved.Header("Location"));
        var done = await WaitForRunAsync("approve-me");
        Assert.Equal("promoted", done.Output!.Value.GetProperty("outcome").GetString());

        var models = await SendAsync("GET", "/api/models");
        Assert.Equal([PipelineScenarios.Project], models.Json.EnumerateArray().Select(m => m.GetString()));
        var model = (await SendAsync("GET", "/api/models/shoes")).Json;
        Assert.Equal(1, model.GetProperty("champion").GetProperty("version").GetInt32());
        Assert.Equal("approve-me", model.GetProperty("versions")[0].GetProperty("runId").GetString());
        // One version only: nothing to roll back to.
        AssertProblem(await SendAsync("POST", "/api/models/shoes/rollback"), 409, "Model 'shoes' v1 has no previous champion", "/api/models/shoes/rollback");
    }
}

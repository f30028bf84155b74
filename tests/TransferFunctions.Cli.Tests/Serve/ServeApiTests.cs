using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TransferFunctions.Cli.Serve;
using TransferFunctions.Cli.Tests.TestSupport;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.Api;

namespace TransferFunctions.Cli.Tests.Serve;

/// <summary>
/// The HTTP API of <c>transfer serve</c> end to end: real Kestrel on loopback, the real AdaptModel pipeline with small
/// budgets. The contract both hosts share (<see cref="HttpApiContract"/>) runs here over HTTP with the API key; the cases
/// below are this host's own (its key forms and dashboard cookie, its scheduler, the pipeline's runs to the end).
/// </summary>
public sealed class ServeApiTests : HttpApiContract, IAsyncLifetime
{
    private readonly TemporaryFolder _folder = new();
    private ServeTestHost _host = null!;

    private HttpClient Http => _host.Http;

    public async Task InitializeAsync() => _host = await ServeTestHost.StartAsync(_folder.Path);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _folder.Dispose();
    }

    protected override string HealthPath => ApiKeyAuthentication.HealthPath;

    protected override string ReportsPath => "/runs";

    protected override string StoreRoot => _folder.Path;

    /// <summary>The trace id when the request is traced, else Kestrel's request id (<c>0HN…:00000001</c>).</summary>
    protected override string CorrelationIdPattern => "^[0-9a-f]{32}$|^[0-9A-Z:]+$";

    protected override Task<HttpApiResponse> SendAsync(string method, string path, string? body = null, params (string Name, string Value)[] headers) =>
        SendAsync(Http, method, path, body, headers);

    protected override Task<HttpApiResponse> SendWithoutKeyAsync(string method, string path) => SendAsync(_host.Anonymous, method, path, null, []);

    /// <summary>No key, a wrong one and near misses of the right one: each a 401 that names the Bearer scheme.</summary>
    protected override async Task AssertNeedsKeyAsync(string method, string path)
    {
        foreach (var key in new string?[] { null, "tfk_wrong", _host.ApiKey + "x", _host.ApiKey[..^1] })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (key is not null)
            {
                request.Headers.Add(ApiKeyAuthentication.HeaderName, key);
            }

            if (request.Method == HttpMethod.Post)
            {
                request.Content = JsonContent.Create(new { project = "fashion" });
            }

            var response = await _host.Anonymous.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with key '{key}' answered {(int)response.StatusCode}");
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
        }
    }

    protected override async Task<IReadOnlyList<string>> RunIdsAsync() => (await _host.Client.ListRunsAsync().ToListAsync()).Select(r => r.InstanceId).ToList();

    protected override Task<RunRecord> WaitForRunAsync(string runId) => _host.WaitForRunAsync(runId);

    private static async Task<HttpApiResponse> SendAsync(HttpClient client, string method, string path, string? body, (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await client.SendAsync(request);
        var all = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new HttpApiResponse((int)response.StatusCode, all, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The contract's routes (<see cref="HttpApiContract.GuardedRoutes"/>) and this host's own: the dashboard and what matches no route.</summary>
    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/no/such/route")]
    public async Task The_dashboard_and_unknown_routes_answer_401_without_the_key_too(string method, string path)
    {
        await AssertNeedsKeyAsync(method, path);

        var problem = await (await _host.Anonymous.GetAsync("/api/adaptations")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(ApiKeyAuthentication.HeaderName, problem.GetProperty("detail").GetString());
        Assert.Empty(await _host.Client.ListRunsAsync().ToListAsync());
    }

    [Fact]
    public async Task A_route_that_does_not_exist_is_a_404_problem()
    {
        var response = await SendAsync("GET", "/nothing/here");

        AssertProblem(response, 404, "No route matches GET /nothing/here", "/nothing/here");
    }

    [Fact]
    public async Task Every_route_answers_with_the_key_as_header_or_bearer_token()
    {
        var run = await SubmitAndFinishAsync("fashion", "b1");
        var routes = new (HttpMethod Method, string Path, HttpStatusCode Expected)[]
        {
            (HttpMethod.Get, "/", HttpStatusCode.OK),
            (HttpMethod.Get, "/api/adaptations", HttpStatusCode.OK),
            (HttpMethod.Get, $"/api/adaptations/{run.InstanceId}", HttpStatusCode.OK),
            (HttpMethod.Get, "/api/models", HttpStatusCode.OK),
            (HttpMethod.Get, "/api/models/fashion", HttpStatusCode.OK),
            (HttpMethod.Get, $"/runs/{run.InstanceId}/report.html", HttpStatusCode.OK),
            (HttpMethod.Get, $"/runs/{run.InstanceId}/report.json", HttpStatusCode.OK),
            // Authenticated, then refused for what they ask: the run is finished, the model has no former champion.
            (HttpMethod.Post, $"/api/adaptations/{run.InstanceId}/approve", HttpStatusCode.Conflict),
            (HttpMethod.Post, $"/api/adaptations/{run.InstanceId}/reject", HttpStatusCode.Conflict),
            (HttpMethod.Post, $"/api/adaptations/{run.InstanceId}/cancel", HttpStatusCode.Conflict),
            (HttpMethod.Post, "/api/models/fashion/rollback", HttpStatusCode.Conflict),
        };
        foreach (var (method, path, expected) in routes)
        {
            foreach (var bearer in new[] { false, true })
            {
                using var request = new HttpRequestMessage(method, path);
                if (bearer)
                {
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _host.ApiKey);
                }
                else
                {
                    request.Headers.Add(ApiKeyAuthentication.HeaderName, _host.ApiKey);
                }

                var response = await _host.Anonymous.SendAsync(request);

                Assert.True(response.StatusCode == expected, $"{method} {path} ({(bearer ? "bearer" : "header")}) answered {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }

    [Fact]
    public async Task Submitting_returns_202_with_location_and_the_real_pipeline_promotes_and_reports()
    {
        await _host.DeliverAsync("fashion", "b1");
        await _host.SettleProjectAsync("fashion");

        var response = await Http.PostAsJsonAsync("/api/adaptations", new { project = "fashion", batch = "b1" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var created = await ReadAsync<RunRecord>(response);
        Assert.Equal($"/api/adaptations/{created.InstanceId}", response.Headers.Location!.OriginalString);
        Assert.Equal("http api", created.Input!.Value.GetProperty("requestedBy").GetString());
        var finished = await _host.WaitForRunAsync(created.InstanceId);
        Assert.True(finished.Status == RunStatus.Completed, $"{finished.Status}: {finished.Failure?.Message}");

        var shown = await ReadAsync<RunRecord>(await Http.GetAsync(response.Headers.Location));
        Assert.Equal(RunStatus.Completed, shown.Status);
        var output = shown.Output!.Value;
        var decision = output.GetProperty("decision");
        Assert.True(decision.GetProperty("promote").GetBoolean(), decision.GetProperty("summary").GetString());
        Assert.StartsWith("promote:", decision.GetProperty("summary").GetString());
        Assert.Equal(["validate", "extract-features", "adapt", "train-scratch", "evaluate", "promote", "report"], shown.Steps.OrderBy(s => s.Sequence).Select(s => s.Name));
        var listed = await ReadAsync<RunRecord[]>(await Http.GetAsync("/api/adaptations"));
        Assert.Equal([created.InstanceId], listed.Select(r => r.InstanceId));
        Assert.Equal(["fashion"], await ReadAsync<string[]>(await Http.GetAsync("/api/models")));
        var model = await ReadAsync<JsonElement>(await Http.GetAsync("/api/models/fashion"));
        Assert.Equal(1, model.GetProperty("champion").GetProperty("version").GetInt32());
        Assert.Equal(output.GetProperty("candidateAccuracy").GetDouble(), model.GetProperty("versions")[0].GetProperty("metrics").GetProperty("test_accuracy").GetDouble(), 9);
        var html = await Http.GetAsync($"/runs/{created.InstanceId}/report.html");
        Assert.Equal("text/html; charset=utf-8", html.Content.Headers.ContentType!.ToString());
        Assert.Contains(created.InstanceId, await html.Content.ReadAsStringAsync());
        Assert.Contains("sandbox", html.Headers.GetValues("Content-Security-Policy").Single());
        var json = await Http.GetAsync($"/runs/{created.InstanceId}/report.json");
        Assert.Equal("application/json; charset=utf-8", json.Content.Headers.ContentType!.ToString());
        Assert.True((await ReadAsync<JsonElement>(json)).GetProperty("decision").GetProperty("promote").GetBoolean());
        var health = await ReadAsync<JsonElement>(await _host.Anonymous.GetAsync("/health"));
        Assert.Equal(0, health.GetProperty("scheduler").GetProperty("running").GetInt32());
    }

    [Fact]
    public async Task Submitting_twice_with_one_idempotency_key_creates_one_run()
    {
        await _host.DeliverAsync("fashion", "b1");
        await _host.SettleProjectAsync("fashion");

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/adaptations") { Content = JsonContent.Create(new { project = "fashion", batch = "b1" }) };
            request.Headers.Add(AdaptationEndpoints.IdempotencyHeader, "my-run-1");
            return Http.SendAsync(request);
        }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var run = await _host.WaitForRunAsync("my-run-1");
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(["my-run-1"], (await _host.Client.ListRunsAsync().ToListAsync()).Select(r => r.InstanceId));
        Assert.Single(run.Steps, s => s.Name == "validate");
        Assert.Single(run.Steps, s => s.Name == "promote");
        Assert.Single(await _host.Registry.ListVersionsAsync("fashion"));
    }

    /// <summary>The lenient policy with human approval, as a request body sends it.</summary>
    private static object ApprovalPolicy => ServeTestHost.Lenient with { RequireApproval = true };

    [Fact]
    public async Task Approve_and_reject_decide_parked_runs_that_hold_no_slot()
    {
        await _host.DeliverAsync("fashion", "b1");
        await _host.DeliverAsync("shoes", "b1");
        await _host.SettleProjectAsync("fashion");
        await _host.SettleProjectAsync("shoes");
        var approved = await ReadAsync<RunRecord>(await Http.PostAsJsonAsync("/api/adaptations", new { project = "fashion", batch = "b1", policy = ApprovalPolicy }, StoreJson.Options));
        var rejected = await ReadAsync<RunRecord>(await Http.PostAsJsonAsync("/api/adaptations", new { project = "shoes", batch = "b1", policy = ApprovalPolicy }, StoreJson.Options));
        await ServeTestHost.EventuallyAsync(
            async () => (await _host.Client.GetStatusAsync(approved.InstanceId))!.Status == RunStatus.WaitingForEvent
                        && (await _host.Client.GetStatusAsync(rejected.InstanceId))!.Status == RunStatus.WaitingForEvent
                        && _host.Scheduler.Snapshot.Running.Count == 0,
            "both runs are parked awaiting approval, holding no slot");
        var health = await ReadAsync<JsonElement>(await _host.Anonymous.GetAsync("/health"));
        Assert.Equal(2, health.GetProperty("scheduler").GetProperty("parked").GetInt32());
        Assert.Null(await _host.Store.GetLeaseAsync(TransferFunctions.Pipeline.Service.AdaptationService.ProjectLeaseKey("fashion")));

        var approve = await Http.PostAsJsonAsync($"/api/adaptations/{approved.InstanceId}/approve", new { by = "alice" });
        var reject = await Http.PostAsJsonAsync($"/api/adaptations/{rejected.InstanceId}/reject", new { by = "bob", reason = "not on a Friday" });

        Assert.Equal(HttpStatusCode.Accepted, approve.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, reject.StatusCode);
        var yes = (await _host.WaitForRunAsync(approved.InstanceId)).Output!.Value;
        var no = (await _host.WaitForRunAsync(rejected.InstanceId)).Output!.Value;
        Assert.Equal("promoted", yes.GetProperty("outcome").GetString());
        Assert.Equal("rejected", no.GetProperty("outcome").GetString());
        Assert.Equal("reject: not on a Friday", no.GetProperty("decision").GetProperty("summary").GetString());
        Assert.Null(await _host.Registry.GetChampionAsync("shoes"));
        var again = await Http.PostAsync($"/api/adaptations/{approved.InstanceId}/approve", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains($"Run '{approved.InstanceId}' is Completed; there is nothing left to approve", await Detail(again));
    }

    [Fact]
    public async Task A_champion_promoted_while_a_run_awaits_approval_is_evaluated_against_before_that_run_promotes()
    {
        await _host.DeliverAsync("fashion", "b1");
        await _host.SettleProjectAsync("fashion");
        var waiting = await ReadAsync<RunRecord>(await Http.PostAsJsonAsync("/api/adaptations", new { project = "fashion", batch = "b1", policy = ApprovalPolicy }, StoreJson.Options));
        await ServeTestHost.EventuallyAsync(async () => (await _host.Client.GetStatusAsync(waiting.InstanceId))!.Status == RunStatus.WaitingForEvent, "the first run awaits approval");

        // Parked, the first run holds no project lease: another run of the project promotes meanwhile.
        // One optimizer step: a champion the waiting candidate clearly beats, so its second decision (McNemar included) is a promote.
        var other = await ReadAsync<RunRecord>(await Http.PostAsJsonAsync("/api/adaptations", new { project = "fashion", batch = "b1", seed = 1, steps = 1 }));
        Assert.Equal(RunStatus.Completed, (await _host.WaitForRunAsync(other.InstanceId)).Status);
        Assert.Equal(1, (await _host.Registry.GetChampionAsync("fashion"))!.Value.Version);

        await Http.PostAsJsonAsync($"/api/adaptations/{waiting.InstanceId}/approve", new { by = "alice" });
        // Its promotion finds the champion moved: it evaluates again, against v1, and asks again.
        RunRecord? seen = null;
        await ServeTestHost.EventuallyAsync(async () =>
        {
            seen = (await _host.Client.GetStatusAsync(waiting.InstanceId))!;
            return seen.Status == RunStatus.WaitingForEvent && seen.Steps.Count(s => s.Name == "evaluate") == 2;
        }, $"the run evaluated again and awaits approval again", describe: () => $"{seen?.Status} {seen?.Failure?.Message} steps [{string.Join(", ", seen?.Steps.Select(s => $"{s.Name}:{s.Succeeded}") ?? [])}] status {seen?.CustomStatus}");
        await Http.PostAsJsonAsync($"/api/adaptations/{waiting.InstanceId}/approve", new { by = "alice" });
        var final = await _host.WaitForRunAsync(waiting.InstanceId);

        var output = final.Output!.Value;
        Assert.Equal("promoted", output.GetProperty("outcome").GetString());
        Assert.Equal(2, output.GetProperty("version").GetInt32());
        Assert.Equal(1, output.GetProperty("decision").GetProperty("verdicts").EnumerateArray().Count(v => v.GetProperty("rule").GetString() == "beats-champion"));
        Assert.Equal(2, final.Steps.Count(s => s.Name == "promote"));
        Assert.Equal(2, (await _host.Registry.GetChampionAsync("fashion"))!.Value.Version);
    }

    [Fact]
    public async Task Cancel_ends_a_parked_run_with_its_reason()
    {
        await _host.DeliverAsync("fashion", "b1");
        await _host.SettleProjectAsync("fashion");
        var run = await ReadAsync<RunRecord>(await Http.PostAsJsonAsync("/api/adaptations", new { project = "fashion", batch = "b1", policy = ApprovalPolicy }, StoreJson.Options));
        await ServeTestHost.EventuallyAsync(async () => (await _host.Client.GetStatusAsync(run.InstanceId))!.Status == RunStatus.WaitingForEvent, "the run waits");

        var response = await Http.PostAsJsonAsync($"/api/adaptations/{run.InstanceId}/cancel", new { reason = "wrong labels" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var final = await _host.WaitForRunAsync(run.InstanceId);
        Assert.Equal(RunStatus.Canceled, final.Status);
        Assert.Equal("wrong labels", final.CancellationReason);
        Assert.Null(await _host.Registry.GetChampionAsync("fashion"));
    }

    [Fact]
    public async Task Rollback_returns_the_champion_to_the_previous_version_then_conflicts_without_history()
    {
        // A one-step first model, so the second (more data, the full test budget) clearly beats it, McNemar included.
        await SubmitAndFinishAsync("fashion", "b1", steps: 1);
        await SubmitAndFinishAsync("fashion", "b2", offset: 10);
        var champion = (await _host.Registry.GetChampionAsync("fashion"))!.Value.Version;
        Assert.True(champion == 2, $"the second run was not promoted: {string.Join("; ", (await _host.Client.ListRunsAsync().ToListAsync()).Select(r => r.Output?.GetProperty("decision").GetProperty("summary").GetString()))}");

        var invalid = await Http.PostAsJsonAsync("/api/models/fashion/rollback", new { version = 0 });
        var rollback = await Http.PostAsJsonAsync("/api/models/fashion/rollback", new { reason = "regression in production" });
        var again = await Http.PostAsync("/api/models/fashion/rollback", null);

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("Field 'version' is 0", await Detail(invalid));
        Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        var alias = await ReadAsync<JsonElement>(rollback);
        Assert.Equal(1, alias.GetProperty("version").GetInt32());
        Assert.Equal("rollback from v2: regression in production", alias.GetProperty("reason").GetString());
        Assert.Equal(1, (await _host.Registry.GetChampionAsync("fashion"))!.Value.Version);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("has no previous champion to roll back to", await Detail(again));
    }

    [Fact]
    public async Task Reports_are_served_read_only_with_etags_and_only_report_files()
    {
        var run = await SubmitAndFinishAsync("fashion", "b1");
        var first = await Http.GetAsync($"/runs/{run.InstanceId}/report.html");
        var etag = first.Headers.ETag!;

        var conditional = new HttpRequestMessage(HttpMethod.Get, $"/runs/{run.InstanceId}/report.html");
        conditional.Headers.IfNoneMatch.Add(etag);
        var notModified = await Http.SendAsync(conditional);
        var put = await Http.PutAsync($"/runs/{run.InstanceId}/report.html", new StringContent("<p>defaced</p>"));
        var journal = await Http.GetAsync($"/runs/{run.InstanceId}/journal");

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("nosniff", first.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(put.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"PUT answered {(int)put.StatusCode}");
        Assert.Equal(HttpStatusCode.NotFound, journal.StatusCode);
        Assert.Contains(run.InstanceId, await (await Http.GetAsync($"/runs/{run.InstanceId}/report.html")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_dashboard_key_moves_from_the_query_into_an_httponly_cookie_good_for_reads_only()
    {
        var wrong = await _host.Anonymous.GetAsync("/?key=tfk_wrong");
        var open = await _host.Anonymous.GetAsync("/?key=" + Uri.EscapeDataString(_host.ApiKey));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("API key needed", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.SeeOther, open.StatusCode);
        Assert.Equal("/", open.Headers.Location!.OriginalString);
        var cookie = open.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith(ApiKeyAuthentication.CookieName + "=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var cookieHeader = cookie.Split(';')[0];

        var page = new HttpRequestMessage(HttpMethod.Get, "/");
        page.Headers.Add("Cookie", cookieHeader);
        var dashboard = await _host.Anonymous.SendAsync(page);
        var read = new HttpRequestMessage(HttpMethod.Get, "/api/adaptations");
        read.Headers.Add("Cookie", cookieHeader);
        var write = new HttpRequestMessage(HttpMethod.Post, "/api/adaptations") { Content = JsonContent.Create(new { project = "fashion" }) };
        write.Headers.Add("Cookie", cookieHeader);

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        var csp = dashboard.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = csp.Split("'nonce-")[1].Split('\'')[0];
        var html = await dashboard.Content.ReadAsStringAsync();
        Assert.Contains($"<script nonce=\"{nonce}\">", html);
        Assert.DoesNotContain(DashboardPage.NoncePlaceholder, html);
        Assert.DoesNotContain("://", html);
        Assert.Equal(HttpStatusCode.OK, (await _host.Anonymous.SendAsync(read)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Anonymous.SendAsync(write)).StatusCode);
    }

    private async Task<RunRecord> SubmitAndFinishAsync(string project, string batch, int offset = 0, int steps = ServeTestHost.Steps)
    {
        await _host.DeliverAsync(project, batch, offset: offset);
        await _host.SettleProjectAsync(project);
        var created = await ReadAsync<RunRecord>(await Http.PostAsJsonAsync("/api/adaptations", new { project, batch, steps }));
        var run = await _host.WaitForRunAsync(created.InstanceId);
        Assert.True(run.Status == RunStatus.Completed, $"{run.Status}: {run.Failure?.Message}");
        return run;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<T>(text, StoreJson.Options)!;
    }

    private static async Task<string> Detail(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
}

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Web;

namespace TransferFunctions.Azure.Tests.TestSupport;

/// <summary>
/// Replays a recorded HTTP conversation (Entra ID token endpoint + ARM) to a real client and checks every request
/// against the recording: method, URL (path and api-version), bearer token, JSON body. A request that does not
/// match is answered 599 and recorded in <see cref="Mismatches"/>, so the test fails with what differed.
/// </summary>
/// <remarks>
/// Recording format: <c>{ "exchanges": [ { "request": { "method", "url", "body"?, "form"? }, "times"?: n,
/// "repeat"?: true, "response": { "status", "headers"?, "body"? } } ] }</c>. An exchange answers <c>times</c>
/// matching requests (default 1); a <c>repeat</c> one answers as many as come (at least one) until a request that
/// matches the next exchange instead. Requests to ARM must carry the access token the recorded token response issued.
/// </remarks>
public sealed class RecordedConversation : HttpMessageHandler
{
    private readonly List<JsonObject> _exchanges;
    private readonly List<string> _mismatches = [];
    private readonly List<(DateTimeOffset At, string Method, string Url)> _requests = [];
    private readonly object _gate = new();
    private int _next;
    private int _answeredByCurrent;
    private string? _issuedToken;

    public RecordedConversation(string recordingName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Jobs", "Recordings", recordingName + ".json");
        var recording = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        _exchanges = recording["exchanges"]!.AsArray().Select(e => e!.AsObject()).ToList();
    }

    public IReadOnlyList<string> Mismatches
    {
        get
        {
            lock (_gate)
            {
                return _mismatches.ToList();
            }
        }
    }

    /// <summary>Every request received, in order, with when it arrived.</summary>
    public IReadOnlyList<(DateTimeOffset At, string Method, string Url)> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToList();
            }
        }
    }

    /// <summary>Fails the test unless every request matched and every exchange was used.</summary>
    public void AssertComplete()
    {
        lock (_gate)
        {
            Assert.True(_mismatches.Count == 0, "requests that did not match the recording:\n" + string.Join("\n", _mismatches));
            var used = _next + (_answeredByCurrent > 0 ? 1 : 0);
            Assert.True(used >= _exchanges.Count,
                $"the conversation stopped after {used} of {_exchanges.Count} recorded exchanges; next expected: {Describe(_exchanges[Math.Min(used, _exchanges.Count - 1)])}");
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (_gate)
        {
            _requests.Add((DateTimeOffset.UtcNow, request.Method.Method, request.RequestUri!.ToString()));
            while (true)
            {
                if (_next >= _exchanges.Count)
                {
                    return Mismatch($"{request.Method} {request.RequestUri}: the recording has no more exchanges");
                }

                var exchange = _exchanges[_next];
                var problem = Compare(exchange["request"]!.AsObject(), request, body);
                var repeat = exchange["repeat"]?.GetValue<bool>() == true;
                var times = exchange["times"]?.GetValue<int>() ?? 1;
                if (problem is null)
                {
                    _answeredByCurrent++;
                    if (!repeat && _answeredByCurrent >= times)
                    {
                        _next++;
                        _answeredByCurrent = 0;
                    }

                    return Answer(exchange["response"]!.AsObject());
                }

                if (repeat && _answeredByCurrent > 0)
                {
                    // The repeated exchange is done; see whether this request is the next one.
                    _next++;
                    _answeredByCurrent = 0;
                    continue;
                }

                return Mismatch($"{request.Method} {request.RequestUri} does not match exchange {_next + 1} ({Describe(exchange)}): {problem}");
            }
        }
    }

    private string? Compare(JsonObject expected, HttpRequestMessage request, string body)
    {
        var method = expected["method"]!.GetValue<string>();
        if (!string.Equals(method, request.Method.Method, StringComparison.OrdinalIgnoreCase))
        {
            return $"method {request.Method}, expected {method}";
        }

        var url = expected["url"]!.GetValue<string>();
        if (!UrlsEqual(url, request.RequestUri!))
        {
            return $"URL {request.RequestUri}, expected {url}";
        }

        if (expected["form"] is JsonObject form)
        {
            // The token request: a form post. Check the fields the recording names.
            var fields = HttpUtility.ParseQueryString(body);
            foreach (var (name, value) in form)
            {
                if (fields[name] is not { } actual || !actual.Contains(value!.GetValue<string>(), StringComparison.Ordinal))
                {
                    return $"form field {name} is '{fields[name]}', expected it to contain '{value}'";
                }
            }

            return null;
        }

        var authorization = request.Headers.Authorization;
        if (authorization?.Scheme != "Bearer" || _issuedToken is null || authorization.Parameter != _issuedToken)
        {
            return $"Authorization '{authorization}', expected the bearer token the token endpoint issued";
        }

        if (expected["body"] is { } expectedBody)
        {
            JsonNode? actualBody;
            try
            {
                actualBody = JsonNode.Parse(body);
            }
            catch (System.Text.Json.JsonException e)
            {
                return $"body is not JSON ({e.Message}): {body}";
            }

            if (!JsonNode.DeepEquals(expectedBody, actualBody))
            {
                return $"body {actualBody?.ToJsonString()}, expected {expectedBody.ToJsonString()}";
            }
        }

        return null;
    }

    private static bool UrlsEqual(string expected, Uri actual)
    {
        var wanted = new Uri(expected);
        if (!string.Equals(wanted.GetLeftPart(UriPartial.Path), actual.GetLeftPart(UriPartial.Path), StringComparison.Ordinal))
        {
            return false;
        }

        var wantedQuery = HttpUtility.ParseQueryString(wanted.Query);
        var actualQuery = HttpUtility.ParseQueryString(actual.Query);
        return wantedQuery.Count == actualQuery.Count && wantedQuery.AllKeys.All(key => wantedQuery[key] == actualQuery[key]);
    }

    private HttpResponseMessage Answer(JsonObject recorded)
    {
        var response = new HttpResponseMessage((HttpStatusCode)recorded["status"]!.GetValue<int>());
        var body = recorded["body"];
        var text = body switch
        {
            null => string.Empty,
            JsonValue value when value.TryGetValue<string>(out var plain) => plain,
            _ => body.ToJsonString(),
        };
        response.Content = new StringContent(text, Encoding.UTF8, body is JsonValue ? "text/plain" : "application/json");
        foreach (var (name, value) in recorded["headers"]?.AsObject() ?? [])
        {
            response.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
        }

        if (body is JsonObject answer && answer["access_token"]?.GetValue<string>() is { } token)
        {
            _issuedToken = token;
        }

        return response;
    }

    private HttpResponseMessage Mismatch(string problem)
    {
        _mismatches.Add(problem);
        return new HttpResponseMessage((HttpStatusCode)599) { Content = new StringContent(problem) };
    }

    private static string Describe(JsonObject exchange) =>
        $"{exchange["request"]?["method"]} {exchange["request"]?["url"]}";
}

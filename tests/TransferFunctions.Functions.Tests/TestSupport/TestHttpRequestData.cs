using System.Security.Claims;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>An HTTP request as the worker hands it to a function, built by a test.</summary>
public sealed class TestHttpRequestData(FunctionContext context, string method, string path, string? body = null, IEnumerable<KeyValuePair<string, string>>? headers = null)
    : HttpRequestData(context)
{
    public override Stream Body { get; } = new MemoryStream(Encoding.UTF8.GetBytes(body ?? ""));
    public override HttpHeadersCollection Headers { get; } = new(headers ?? []);
    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];
    public override Uri Url { get; } = new("https://transferfunctions.example" + path);
    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];
    public override string Method { get; } = method;

    public override HttpResponseData CreateResponse() => new TestHttpResponseData(FunctionContext);

    public static TestHttpRequestData Post(string path, string? body = null, params (string Name, string Value)[] headers) =>
        new(new TestFunctionContext(), "POST", path, body, headers.Select(h => KeyValuePair.Create(h.Name, h.Value)));

    public static TestHttpRequestData Get(string path) => new(new TestFunctionContext(), "GET", path);
}

using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>The response a function returns, readable by a test.</summary>
public sealed class TestHttpResponseData(FunctionContext context) : HttpResponseData(context)
{
    public override HttpStatusCode StatusCode { get; set; }
    public override HttpHeadersCollection Headers { get; set; } = new();
    public override Stream Body { get; set; } = new MemoryStream();
    public override HttpCookies Cookies { get; } = new TestHttpCookies();

    public string Text => Encoding.UTF8.GetString(((MemoryStream)Body).ToArray());

    public JsonElement Json => JsonDocument.Parse(Text).RootElement;

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private sealed class TestHttpCookies : HttpCookies
    {
        public override void Append(string name, string value) => throw new NotSupportedException("the API sets no cookies");
        public override void Append(IHttpCookie cookie) => throw new NotSupportedException("the API sets no cookies");
        public override IHttpCookie CreateNew() => throw new NotSupportedException("the API sets no cookies");
    }
}

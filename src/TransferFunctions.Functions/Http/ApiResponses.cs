using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Http;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Http;

/// <summary>Responses in the store's JSON dialect (documents exactly as the store keeps them), and problem details.</summary>
public static class ApiResponses
{
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    private static readonly JsonSerializerOptions ProblemJson = new(JsonSerializerDefaults.Web);

    public static Task<HttpResponseData> OkAsync<T>(HttpRequestData request, T value, CancellationToken cancellationToken) =>
        JsonAsync(request, HttpStatusCode.OK, value, null, cancellationToken);

    /// <summary>A 202 with the run's address in <c>Location</c>.</summary>
    public static Task<HttpResponseData> AcceptedAsync<T>(HttpRequestData request, string location, T value, CancellationToken cancellationToken) =>
        JsonAsync(request, HttpStatusCode.Accepted, value, location, cancellationToken);

    public static async Task<HttpResponseData> JsonAsync<T>(HttpRequestData request, HttpStatusCode status, T value, string? location, CancellationToken cancellationToken)
    {
        var response = request.CreateResponse(status);
        response.Headers.Add("Content-Type", JsonContentType);
        if (location is not null) response.Headers.Add("Location", location);
        // SerializeAsync also streams IAsyncEnumerable values (run and model lists) as JSON arrays.
        await JsonSerializer.SerializeAsync(response.Body, value, StoreJson.Options, cancellationToken);
        return response;
    }

    public static async Task<HttpResponseData> ProblemAsync(HttpRequestData request, int status, string title, string detail, CancellationToken cancellationToken)
    {
        var response = request.CreateResponse((HttpStatusCode)status);
        response.Headers.Add("Content-Type", ProblemContentType);
        var problem = new ProblemBody(TypeOf(status), title, status, detail, request.Url.AbsolutePath);
        await JsonSerializer.SerializeAsync(response.Body, problem, ProblemJson, cancellationToken);
        return response;
    }

    /// <summary>The RFC 9110 section of each status, as ASP.NET Core's problem-details defaults name them.</summary>
    private static string TypeOf(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
    };
}

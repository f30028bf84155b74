using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Http;
using TransferFunctions.Pipeline.Api;

namespace TransferFunctions.Functions.Http;

/// <summary>Responses in the store's JSON dialect (documents exactly as the store keeps them), and problem details.</summary>
public static class ApiResponses
{
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string ProblemContentType = ApiProblem.ContentType;

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
        await JsonSerializer.SerializeAsync(response.Body, value, ApiBodies.ResponseOptions, cancellationToken);
        return response;
    }

    /// <summary>A problem-details response, in the same JSON as <c>transfer serve</c> writes it.</summary>
    public static async Task<HttpResponseData> ProblemAsync(HttpRequestData request, ApiProblem problem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(problem);
        var response = request.CreateResponse((HttpStatusCode)problem.Status);
        response.Headers.Add("Content-Type", ProblemContentType);
        await JsonSerializer.SerializeAsync(response.Body, problem, ApiBodies.ResponseOptions, cancellationToken);
        return response;
    }
}

using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Http;

/// <summary>
/// Turns what the pipeline throws into the problem details <c>transfer serve</c> answers with (its <c>ApiErrors</c>):
/// unknown runs and models 404, bad input 400, state conflicts 409, anything else 500 without internals.
/// </summary>
public static class ApiProblems
{
    /// <summary>Largest request body read; request bodies are small JSON documents (the same limit as <c>transfer serve</c>).</summary>
    public const long MaxRequestBodyBytes = 1 << 20;

    public static async Task<HttpResponseData> HandleAsync(HttpRequestData request, ILogger logger, Func<Task<HttpResponseData>> handler, CancellationToken cancellationToken)
    {
        try
        {
            return await handler();
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var (status, title) = Classify(ex);
            if (status >= 500) logger.LogError(ex, "{Method} {Path} failed", request.Method, request.Url.AbsolutePath);
            var detail = status >= 500 ? "The request failed on the server; the error is logged." : ex.Message;
            return await ApiResponses.ProblemAsync(request, status, title, detail, cancellationToken);
        }
    }

    public static (int Status, string Title) Classify(Exception ex) => ex switch
    {
        PayloadTooLargeException => (413, "Payload too large"),
        BadRequestException or ArgumentException => (400, "Bad request"),
        KeyNotFoundException => (404, "Not found"),
        RunConflictException or PreconditionFailedException or InvalidOperationException => (409, "Conflict"),
        _ => (500, "Internal error"),
    };
}

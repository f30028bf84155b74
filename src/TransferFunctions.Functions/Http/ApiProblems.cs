using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using TransferFunctions.Pipeline.Api;

namespace TransferFunctions.Functions.Http;

/// <summary>
/// Turns what a function throws into problem details through the shared <see cref="ApiErrorMapping"/> (the one
/// <c>transfer serve</c> uses): client errors keep their specific message; a server fault is a 500 whose detail is only
/// a correlation id (the invocation id), logged with the exception.
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
            var path = request.Url.AbsolutePath;
            ApiProblem problem;
            if (ex is PayloadTooLargeException)
            {
                problem = new ApiProblem(ApiErrorMapping.TypeOf(413), "Payload too large", 413, ex.Message, path);
            }
            else
            {
                var correlationId = request.FunctionContext.InvocationId;
                problem = ApiErrorMapping.ToProblem(ex, path, correlationId);
                if (problem.Status >= 500) logger.LogError(ex, "{Method} {Path} failed; correlation id {CorrelationId}", request.Method, path, correlationId);
            }

            return await ApiResponses.ProblemAsync(request, problem, cancellationToken);
        }
    }
}

using System.Diagnostics;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using TransferFunctions.Pipeline.Api;

namespace TransferFunctions.Functions.Http;

/// <summary>
/// Turns what a function throws into problem details through the core's <see cref="ApiErrorMapping"/>, as
/// <c>transfer serve</c> does (its <c>ApiErrors</c>): the pipeline's client errors keep their message (400/404/409, 413 for
/// a body over <see cref="ApiBodies.MaxBytes"/>), anything else a 500 whose body carries only a correlation id, the one in
/// the log entry.
/// </summary>
public static class ApiProblems
{
    public static async Task<HttpResponseData> HandleAsync(HttpRequestData request, ILogger logger, Func<Task<HttpResponseData>> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handler);
        try
        {
            return await handler();
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var path = request.Url.AbsolutePath;
            var correlationId = CorrelationId(request);
            var problem = ApiErrorMapping.ToProblem(ex, path, correlationId);
            if (problem.Status >= 500)
                logger.LogError(ex, "{Method} {Path} failed; correlation id {CorrelationId}", request.Method, path, correlationId);
            return await ApiResponses.ProblemAsync(request, problem, cancellationToken);
        }
    }

    /// <summary>Reads the optional JSON body (empty: null; <see cref="ApiBodies"/>) and handles it as <see cref="HandleAsync"/> does, so a bad body is a 400 too.</summary>
    public static Task<HttpResponseData> HandleWithBodyAsync<TBody>(HttpRequestData request, ILogger logger, Func<TBody?, Task<HttpResponseData>> handler, CancellationToken cancellationToken)
        where TBody : class
    {
        ArgumentNullException.ThrowIfNull(handler);
        return HandleAsync(request, logger, async () => await handler(await ApiBodies.ReadOptionalAsync<TBody>(request.Body, cancellationToken)), cancellationToken);
    }

    /// <summary>The trace id when the invocation is traced (Application Insights shows it), else the invocation id.</summary>
    private static string CorrelationId(HttpRequestData request) =>
        Activity.Current?.TraceId.ToString() is { Length: > 0 } trace && trace != default(ActivityTraceId).ToString() ? trace : request.FunctionContext.InvocationId;
}

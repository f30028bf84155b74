using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TransferFunctions.Pipeline.Api;

namespace TransferFunctions.Cli.Serve;

/// <summary>
/// Turns what a request throws into problem-details responses through the shared <see cref="ApiErrorMapping"/>: the
/// pipeline's specific client errors keep their message (400/404/409); anything else is a 500 whose body carries only a
/// correlation id, the same id as the error's log entry.
/// </summary>
public sealed class ApiErrors(RequestDelegate next, ILogger<ApiErrors> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !(ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
        {
            var correlationId = Activity.Current?.TraceId.ToString() is { Length: > 0 } trace && trace != default(ActivityTraceId).ToString() ? trace : context.TraceIdentifier;
            ApiProblem problem;
            if (ex is BadHttpRequestException bad)
            {
                problem = new ApiProblem(ApiErrorMapping.TypeOf(bad.StatusCode), bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Content too large" : "Bad request", bad.StatusCode, bad.Message, context.Request.Path);
            }
            else
            {
                problem = ApiErrorMapping.ToProblem(ex, context.Request.Path, correlationId);
                if (problem.Status >= 500)
                    logger.LogError(ex, "{Method} {Path} failed; correlation id {CorrelationId}", context.Request.Method, context.Request.Path, correlationId);
            }

            context.Response.Clear();
            await Write(problem).ExecuteAsync(context);
        }
    }

    /// <summary>A problem-details result for this request.</summary>
    public static IResult Problem(int status, string title, string detail, HttpContext context) =>
        Write(new ApiProblem(ApiErrorMapping.TypeOf(status), title, status, detail, context.Request.Path));

    private static IResult Write(ApiProblem problem) =>
        Results.Json(problem, ApiBodies.ResponseOptions, "application/problem+json", problem.Status);
}

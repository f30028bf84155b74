using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TransferFunctions.Pipeline.Api;

namespace TransferFunctions.Cli.Serve;

/// <summary>
/// Turns what a request throws into problem-details responses through the shared <see cref="ApiErrorMapping"/>: the
/// pipeline's specific client errors keep their message (400/404/409, and 413 also when Kestrel's body limit refuses);
/// anything else is a 500 whose body carries only a correlation id, the same id as the error's log entry.
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
            // Kestrel's body limit is the core's: its refusal is the core's 413, with the message both hosts give.
            if (ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }) ex = new ContentTooLargeException(ex);
            ApiProblem problem;
            if (ex is BadHttpRequestException bad)
            {
                problem = new ApiProblem(ApiErrorMapping.TypeOf(bad.StatusCode), "Bad request", bad.StatusCode, bad.Message, Instance(context));
            }
            else
            {
                problem = ApiErrorMapping.ToProblem(ex, Instance(context), correlationId);
                if (problem.Status >= 500)
                    logger.LogError(ex, "{Method} {Path} failed; correlation id {CorrelationId}", context.Request.Method, context.Request.Path, correlationId);
            }

            context.Response.Clear();
            await Write(problem).ExecuteAsync(context);
        }
    }

    /// <summary>A problem-details result for this request.</summary>
    public static IResult Problem(int status, string title, string detail, HttpContext context) =>
        Write(new ApiProblem(ApiErrorMapping.TypeOf(status), title, status, detail, Instance(context)));

    /// <summary>The path as sent (percent-encoded), as the Functions app reports it: <see cref="PathString"/> itself is decoded.</summary>
    private static string Instance(HttpContext context) => context.Request.Path.ToUriComponent();

    private static IResult Write(ApiProblem problem) =>
        Results.Json(problem, ApiBodies.ResponseOptions, ApiProblem.ContentType, problem.Status);
}

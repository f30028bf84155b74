using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Serve;

/// <summary>
/// Turns what the pipeline throws into problem-details responses (RFC 9457) that keep its specific
/// message: unknown runs and models 404, bad input 400, state conflicts 409.
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
            var (status, title) = Classify(ex);
            if (status >= 500)
            {
                logger.LogError(ex, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            }

            context.Response.Clear();
            await Problem(status, title, ex.Message, context).ExecuteAsync(context);
        }
    }

    /// <summary>A problem-details result for this request.</summary>
    public static IResult Problem(int status, string title, string detail, HttpContext context) =>
        Results.Problem(detail: detail, statusCode: status, title: title, instance: context.Request.Path);

    private static (int Status, string Title) Classify(Exception ex) => ex switch
    {
        BadHttpRequestException bad => (bad.StatusCode, "Bad request"),
        BadRequestException or ArgumentException => (StatusCodes.Status400BadRequest, "Bad request"),
        KeyNotFoundException => (StatusCodes.Status404NotFound, "Not found"),
        RunConflictException or PreconditionFailedException or InvalidOperationException => (StatusCodes.Status409Conflict, "Conflict"),
        _ => (StatusCodes.Status500InternalServerError, "Internal error"),
    };
}

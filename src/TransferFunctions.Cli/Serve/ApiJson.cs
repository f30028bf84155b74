using Microsoft.AspNetCore.Http;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Serve;

/// <summary>Responses in the store's JSON dialect, so the API shows documents exactly as the store keeps them.</summary>
public static class ApiJson
{
    public static IResult Ok<T>(T value) => Results.Json(value, StoreJson.Options);

    public static IResult Accepted<T>(string location, T value) =>
        new LocatedJsonResult<T>(StatusCodes.Status202Accepted, location, value);

    private sealed class LocatedJsonResult<T>(int status, string location, T value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return Results.Json(value, StoreJson.Options, statusCode: status).ExecuteAsync(httpContext);
        }
    }
}

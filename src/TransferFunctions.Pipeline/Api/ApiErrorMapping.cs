using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Api;

/// <summary>
/// What the pipeline throws, as HTTP problems, for every host. Only specific exception types are client errors
/// (400/404/409/413, keeping their message); anything else is a server fault: 500 with a correlation id and no internals.
/// </summary>
public static class ApiErrorMapping
{
    /// <summary>The client error <paramref name="ex"/> stands for, or null when it is a server fault.</summary>
    public static (int Status, string Title)? ClientError(Exception ex) => ex switch
    {
        InvalidRequestException => (400, "Bad request"),
        RunNotFoundException or ModelVersionNotFoundException or NotFoundException => (404, "Not found"),
        ConflictException or RunConflictException or PreconditionFailedException => (409, "Conflict"),
        ContentTooLargeException => (413, "Content too large"),
        _ => null,
    };

    /// <summary>The problem body for <paramref name="ex"/> on <paramref name="instance"/>; <paramref name="correlationId"/> is used for server faults.</summary>
    public static ApiProblem ToProblem(Exception ex, string? instance, string correlationId)
    {
        ArgumentNullException.ThrowIfNull(ex);
        if (ClientError(ex) is { } client)
            return new ApiProblem(TypeOf(client.Status), client.Title, client.Status, ex.Message, instance);
        return ServerFault(instance, correlationId);
    }

    /// <summary>The body of a 500: the correlation id, nothing of the exception.</summary>
    public static ApiProblem ServerFault(string? instance, string correlationId) =>
        new(TypeOf(500), "Internal error", 500, $"The server failed to handle the request; quote correlation id {correlationId} when reporting it.", instance, correlationId);

    public static string TypeOf(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
    };
}

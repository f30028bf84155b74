using Microsoft.Azure.Functions.Worker.Http;
using TransferFunctions.Pipeline.Api;

namespace TransferFunctions.Functions.Http;

/// <summary>
/// Reads a worker request's body, at most <see cref="ApiProblems.MaxRequestBodyBytes"/>, and parses it with the core's
/// strict <see cref="ApiBodies"/> (what <c>transfer serve</c> parses with): an unknown or mistyped field is a 400 naming it.
/// </summary>
public static class RequestBodies
{
    /// <summary>The body as <typeparamref name="T"/>; an empty body is a 400.</summary>
    public static async Task<T> ReadRequiredAsync<T>(HttpRequestData request, CancellationToken cancellationToken) where T : class =>
        ApiBodies.ReadRequired<T>(await ReadLimitedAsync(request, cancellationToken));

    /// <summary>The body as <typeparamref name="T"/>, or null when the body is empty.</summary>
    public static async Task<T?> ReadOptionalAsync<T>(HttpRequestData request, CancellationToken cancellationToken) where T : class =>
        ApiBodies.ReadOptional<T>(await ReadLimitedAsync(request, cancellationToken));

    private static async Task<byte[]> ReadLimitedAsync(HttpRequestData request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > ApiProblems.MaxRequestBodyBytes)
                throw new PayloadTooLargeException($"The request body is larger than {ApiProblems.MaxRequestBodyBytes} bytes; requests are small JSON documents.");
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

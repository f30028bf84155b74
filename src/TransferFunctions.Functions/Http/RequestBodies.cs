using Microsoft.Azure.Functions.Worker.Http;
using TransferFunctions.Pipeline.Api;

namespace TransferFunctions.Functions.Http;

/// <summary>Reads a request body (at most <see cref="ApiProblems.MaxRequestBodyBytes"/>) and parses it with the shared, strict <see cref="ApiBodies"/>.</summary>
public static class RequestBodies
{
    public static async Task<T> ReadRequiredAsync<T>(HttpRequestData request, CancellationToken cancellationToken) where T : class =>
        ApiBodies.ReadRequired<T>(await ReadLimitedAsync(request.Body, cancellationToken));

    public static async Task<T?> ReadOptionalAsync<T>(HttpRequestData request, CancellationToken cancellationToken) where T : class =>
        ApiBodies.ReadOptional<T>(await ReadLimitedAsync(request.Body, cancellationToken));

    private static async Task<byte[]> ReadLimitedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > ApiProblems.MaxRequestBodyBytes)
                throw new PayloadTooLargeException($"The request body is larger than {ApiProblems.MaxRequestBodyBytes} bytes; requests are small JSON documents.");
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

using Microsoft.AspNetCore.Http;
using TransferFunctions.Pipeline.Api;

namespace TransferFunctions.Cli.Serve;

/// <summary>Reads an ASP.NET Core request body and parses it with the shared, strict <see cref="ApiBodies"/>.</summary>
public static class JsonBody
{
    /// <summary>The body as <typeparamref name="T"/>; an empty body is a 400.</summary>
    public static async Task<T> ReadRequiredAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class =>
        ApiBodies.ReadRequired<T>(await ReadAllAsync(request, cancellationToken));

    /// <summary>The body as <typeparamref name="T"/>, or null when the body is empty.</summary>
    public static async Task<T?> ReadOptionalAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class =>
        ApiBodies.ReadOptional<T>(await ReadAllAsync(request, cancellationToken));

    private static async Task<byte[]> ReadAllAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}

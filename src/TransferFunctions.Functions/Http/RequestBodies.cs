using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Azure.Functions.Worker.Http;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Http;

/// <summary>
/// Reads request bodies in the store's JSON dialect, strictly, as <c>transfer serve</c> does: an unknown or mistyped
/// field is a 400 naming that field, not silently ignored.
/// </summary>
public static class RequestBodies
{
    private static readonly JsonSerializerOptions Strict = new(StoreJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public static async Task<T> ReadRequiredAsync<T>(HttpRequestData request, CancellationToken cancellationToken) where T : class =>
        await ReadOptionalAsync<T>(request, cancellationToken)
        ?? throw new BadRequestException($"The request body is empty; send a JSON object with the fields of {typeof(T).Name}.");

    public static async Task<T?> ReadOptionalAsync<T>(HttpRequestData request, CancellationToken cancellationToken) where T : class
    {
        var bytes = await ReadLimitedAsync(request.Body, cancellationToken);
        if (bytes.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Strict)
                ?? throw new BadRequestException($"The request body is JSON null; send a JSON object with the fields of {typeof(T).Name}.");
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" at field '{ex.Path.TrimStart('$', '.')}'";
            throw new BadRequestException($"The request body is not a valid {typeof(T).Name}{field}: {FirstSentence(ex.Message)}", ex);
        }
    }

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

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends " Path: $.x | LineNumber: … | BytePositionInLine: …", which the field already says.
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Serve;

/// <summary>
/// Reads request bodies in the store's JSON dialect, strictly: an unknown or mistyped field is a
/// 400 naming that field, not silently ignored.
/// </summary>
public static class JsonBody
{
    private static readonly JsonSerializerOptions Strict = new(StoreJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>The body as <typeparamref name="T"/>; an empty body is a 400.</summary>
    public static async Task<T> ReadRequiredAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class =>
        await ReadOptionalAsync<T>(request, cancellationToken)
        ?? throw new BadRequestException($"The request body is empty; send a JSON object with the fields of {typeof(T).Name}.");

    /// <summary>The body as <typeparamref name="T"/>, or null when the body is empty.</summary>
    public static async Task<T?> ReadOptionalAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(buffer.ToArray(), Strict)
                ?? throw new BadRequestException($"The request body is JSON null; send a JSON object with the fields of {typeof(T).Name}.");
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" at field '{ex.Path.TrimStart('$', '.')}'";
            throw new BadRequestException($"The request body is not a valid {typeof(T).Name}{field}: {FirstSentence(ex.Message)}", ex);
        }
    }

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends " Path: $.x | LineNumber: … | BytePositionInLine: …", which the field already says.
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

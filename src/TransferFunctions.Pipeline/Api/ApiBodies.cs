using System.Text.Json;
using System.Text.Json.Serialization;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Api;

/// <summary>
/// Reads request bodies in the store's JSON dialect, strictly: an unknown or mistyped field is an
/// <see cref="InvalidRequestException"/> naming that field, not silently ignored. Hosts hand over the raw bytes.
/// </summary>
public static class ApiBodies
{
    private static readonly JsonSerializerOptions Strict = new(StoreJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>Responses use the store's dialect, so the API shows documents exactly as the store keeps them.</summary>
    public static JsonSerializerOptions ResponseOptions => StoreJson.Options;

    /// <summary>The body as <typeparamref name="T"/>; an empty body is a 400.</summary>
    public static T ReadRequired<T>(ReadOnlySpan<byte> body) where T : class =>
        ReadOptional<T>(body) ?? throw new InvalidRequestException($"The request body is empty; send a JSON object with the fields of {typeof(T).Name}.");

    /// <summary>The body as <typeparamref name="T"/>, or null when the body is empty or whitespace.</summary>
    public static T? ReadOptional<T>(ReadOnlySpan<byte> body) where T : class
    {
        var empty = true;
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                empty = false;
                break;
            }
        }
        if (empty) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(body, Strict)
                ?? throw new InvalidRequestException($"The request body is JSON null; send a JSON object with the fields of {typeof(T).Name}.");
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" at field '{ex.Path.TrimStart('$', '.')}'";
            throw new InvalidRequestException($"The request body is not a valid {typeof(T).Name}{field}: {FirstSentence(ex.Message)}", ex);
        }
    }

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends " Path: $.x | LineNumber: … | BytePositionInLine: …", which the field already says.
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

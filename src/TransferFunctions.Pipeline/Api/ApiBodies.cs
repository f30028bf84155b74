using System.Text.Json;
using System.Text.Json.Serialization;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Api;

/// <summary>
/// Reads request bodies in the store's JSON dialect, strictly: an unknown or mistyped field is an
/// <see cref="InvalidRequestException"/> naming that field, not silently ignored. Hosts hand over the body stream
/// (read here at most <see cref="MaxBytes"/>) or the raw bytes.
/// </summary>
public static class ApiBodies
{
    /// <summary>The largest request body any host reads (1 MiB): request bodies are small JSON documents.</summary>
    public const long MaxBytes = 1 << 20;

    private const int ChunkBytes = 81920;

    private static readonly JsonSerializerOptions Strict = new(StoreJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>Responses use the store's dialect, so the API shows documents exactly as the store keeps them.</summary>
    public static JsonSerializerOptions ResponseOptions => StoreJson.Options;

    /// <summary>Reads <paramref name="body"/> (at most <see cref="MaxBytes"/>) as <typeparamref name="T"/>; an empty body is a 400.</summary>
    /// <exception cref="ContentTooLargeException">The body is larger than <see cref="MaxBytes"/>.</exception>
    public static async Task<T> ReadRequiredAsync<T>(Stream body, CancellationToken cancellationToken) where T : class =>
        ReadRequired<T>(await ReadLimitedAsync(body, cancellationToken).ConfigureAwait(false));

    /// <summary>Reads <paramref name="body"/> (at most <see cref="MaxBytes"/>) as <typeparamref name="T"/>, or null when it is empty.</summary>
    /// <exception cref="ContentTooLargeException">The body is larger than <see cref="MaxBytes"/>.</exception>
    public static async Task<T?> ReadOptionalAsync<T>(Stream body, CancellationToken cancellationToken) where T : class =>
        ReadOptional<T>(await ReadLimitedAsync(body, cancellationToken).ConfigureAwait(false));

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

    /// <summary>All of <paramref name="body"/>, refused as soon as it passes <see cref="MaxBytes"/> (a client may omit Content-Length).</summary>
    private static async Task<byte[]> ReadLimitedAsync(Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new MemoryStream();
        var chunk = new byte[ChunkBytes];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes) throw new ContentTooLargeException();
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

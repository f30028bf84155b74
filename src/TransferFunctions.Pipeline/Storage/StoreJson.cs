using System.Text.Json;
using System.Text.Json.Serialization;

namespace TransferFunctions.Pipeline.Storage;

/// <summary>
/// The one JSON dialect of everything the pipeline keeps in a store (cards, run records, journals,
/// step documents): camelCase, enums as strings, indented so people can read the files.
/// </summary>
public static class StoreJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>Deserializes a stored document; malformed or empty content fails with a message naming the key and type.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json, string key)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(utf8Json, Options)
                ?? throw new InvalidDataException($"Object '{key}' holds JSON null where a {typeof(T).Name} was expected.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Object '{key}' is not a valid {typeof(T).Name} document: {ex.Message}", ex);
        }
    }

    /// <summary>Converts any value to a detached JSON element (null becomes a JSON null element).</summary>
    public static JsonElement ToElement<T>(T value) => JsonSerializer.SerializeToElement(value, Options);

    /// <summary>Converts a JSON element to <typeparamref name="T"/>; <paramref name="what"/> names it in errors.</summary>
    public static T? FromElement<T>(JsonElement element, string what)
    {
        try
        {
            return element.ValueKind == JsonValueKind.Undefined ? default : element.Deserialize<T>(Options);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{what} is not a valid {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

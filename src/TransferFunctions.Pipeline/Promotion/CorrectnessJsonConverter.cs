using System.Text.Json;
using System.Text.Json.Serialization;

namespace TransferFunctions.Pipeline.Promotion;

/// <summary>
/// Per-example correctness as one string of '1' (right) and '0' (wrong), a byte per test example instead of a JSON
/// boolean's five or six: the evaluation evidence travels through the orchestration (and Durable Functions' history),
/// so its size matters. Reads the array of booleans that older versions wrote too.
/// </summary>
public sealed class CorrectnessJsonConverter : JsonConverter<bool[]>
{
    public override bool[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var text = reader.GetString()!;
            var correct = new bool[text.Length];
            for (var i = 0; i < text.Length; i++)
                correct[i] = text[i] switch
                {
                    '1' => true,
                    '0' => false,
                    _ => throw new JsonException($"per-example correctness holds '{text[i]}' at position {i}; only '0' and '1' are allowed"),
                };
            return correct;
        }
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("per-example correctness must be a string of 0/1 or an array of booleans");
        var values = new List<bool>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            values.Add(reader.TokenType switch
            {
                JsonTokenType.True => true,
                JsonTokenType.False => false,
                _ => throw new JsonException("per-example correctness arrays hold only booleans"),
            });
        return values.ToArray();
    }

    public override void Write(Utf8JsonWriter writer, bool[] value, JsonSerializerOptions options) =>
        writer.WriteStringValue(string.Create(value.Length, value, (span, correct) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = correct[i] ? '1' : '0';
        }));
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TransferFunctions.Learning.Models;

/// <summary>
/// The one file format of <see cref="ModelCard"/> (snake_case JSON, indented), written by packages, staged models and
/// the registry alike. Reading also accepts the two formats older versions wrote, and refuses what cannot be rebuilt
/// with a message that says so.
/// </summary>
public static class ModelCardJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private const string DigestPrefix = "sha256:";

    public static byte[] Serialize(ModelCard card) => JsonSerializer.SerializeToUtf8Bytes(card, Options);

    /// <summary>
    /// Reads a card. Older formats are upgraded on read: a package manifest whose digests are bare hex (before one digest
    /// format), and a registry card in camelCase that embedded the package manifest under <c>package</c> (before one card type).
    /// </summary>
    /// <exception cref="InvalidDataException">Not a card, or an older registry card without its package manifest.</exception>
    public static ModelCard Parse(ReadOnlySpan<byte> utf8Json, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(utf8Json) as JsonObject ?? throw new InvalidDataException($"{source}: a model card must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid model card ({e.Message})", e);
        }

        if (IsLegacyRegistryCard(root)) root = FromLegacyRegistryCard(root, source);
        UpgradeDigest(root, "weights_digest");
        if (root["base_model"] is JsonObject baseModel)
        {
            UpgradeDigest(baseModel, "weights_digest");
            // Before lineage carried it, a base's version was a string, and always null.
            if (baseModel["version"] is JsonValue v && v.TryGetValue<string>(out var text))
                baseModel["version"] = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        }

        try
        {
            return root.Deserialize<ModelCard>(Options) ?? throw new InvalidDataException($"{source}: the model card is JSON null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid model card ({e.Message})", e);
        }
    }

    /// <summary>A registry card of the versions before one card type: camelCase, with the package manifest under <c>package</c>.</summary>
    private static bool IsLegacyRegistryCard(JsonObject root) => root.ContainsKey("package") || root.ContainsKey("weightsDigest");

    private static JsonObject FromLegacyRegistryCard(JsonObject legacy, string source)
    {
        if (legacy["package"] is not JsonObject package)
            throw new InvalidDataException($"{source}: this model card was recorded by an older version without the package manifest a model is rebuilt from; register the model again with this version");
        var card = (JsonObject)package.DeepClone();
        void Copy(string from, string to)
        {
            if (legacy[from] is { } value) card[to] = value.DeepClone();
        }
        Copy("name", "name");
        Copy("version", "version");
        Copy("createdAt", "created_at");
        Copy("weightsDigest", "weights_digest");
        Copy("weightsSizeBytes", "weights_size_bytes");
        Copy("datasetDigest", "dataset_digest");
        Copy("unlabeledDatasetDigest", "unlabeled_dataset_digest");
        Copy("runId", "run_id");
        Copy("strategy", "strategy");
        Copy("metrics", "metrics");
        Copy("license", "license");
        Copy("provenance", "provenance");
        Copy("notes", "notes");
        Copy("codeVersion", "code_version");
        if (legacy["hyperparameters"] is JsonObject hyperparameters)
        {
            var training = card["training"] as JsonObject ?? new JsonObject();
            foreach (var (key, value) in hyperparameters) training[key] = value?.DeepClone();
            card["training"] = training;
        }
        if (legacy["baseModel"] is JsonObject lineage)
        {
            var license = (package["base_model"] as JsonObject)?["license"]?.DeepClone() ?? legacy["license"]?.DeepClone() ?? "";
            card["base_model"] = new JsonObject
            {
                ["name"] = lineage["name"]?.DeepClone(),
                ["version"] = lineage["version"]?.DeepClone(),
                ["weights_digest"] = lineage["weightsDigest"]?.DeepClone(),
                ["license"] = license,
            };
        }
        return card;
    }

    private static void UpgradeDigest(JsonObject node, string property)
    {
        if (node[property] is JsonValue value && value.TryGetValue<string>(out var digest) && IsBareHex(digest))
            node[property] = DigestPrefix + digest.ToLowerInvariant();
    }

    private static bool IsBareHex(string digest) => digest.Length == 64 && digest.All(char.IsAsciiHexDigit);
}

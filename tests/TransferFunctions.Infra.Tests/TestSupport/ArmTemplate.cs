using System.Text.Json.Nodes;

namespace TransferFunctions.Infra.Tests.TestSupport;

/// <summary>A compiled ARM template, with every resource of every nested module deployment reachable.</summary>
public sealed class ArmTemplate(JsonObject root)
{
    public JsonObject Root { get; } = root;

    public static ArmTemplate Load(string path) =>
        new(JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path} is not a JSON object"));

    /// <summary>Resources of this template and of the templates of its nested deployments, depth first.</summary>
    public IEnumerable<JsonObject> AllResources() => Resources(Root);

    public IEnumerable<JsonObject> OfType(string type) =>
        AllResources().Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    public JsonObject Single(string type) => OfType(type).Single();

    private static IEnumerable<JsonObject> Resources(JsonObject template)
    {
        foreach (var resource in template["resources"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            yield return resource;
            if (resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Resources(nested))
                {
                    yield return inner;
                }
            }
        }
    }
}

using YamlDotNet.RepresentationModel;

namespace TransferFunctions.Infra.Tests.TestSupport;

/// <summary>A GitHub Actions workflow file, parsed as YAML, with the few lookups the workflow tests need.</summary>
public sealed class Workflow
{
    private Workflow(string path, YamlMappingNode root)
    {
        Path = path;
        Root = root;
    }

    public string Path { get; }

    public YamlMappingNode Root { get; }

    public string Text => File.ReadAllText(Path);

    public static Workflow Load(string name)
    {
        var path = Repository.PathOf(".github", "workflows", name);
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return new Workflow(path, (YamlMappingNode)stream.Documents.Single().RootNode);
    }

    public YamlMappingNode Job(string name) => (YamlMappingNode)((YamlMappingNode)Root["jobs"])[name];

    public IReadOnlyList<string> JobNames => ((YamlMappingNode)Root["jobs"]).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList();

    public static IReadOnlyList<YamlMappingNode> Steps(YamlMappingNode job) =>
        ((YamlSequenceNode)job["steps"]).Children.Cast<YamlMappingNode>().ToList();

    public IEnumerable<YamlMappingNode> AllSteps() => JobNames.SelectMany(j => Steps(Job(j)));

    public static string? Scalar(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }
            current = next;
        }
        return (current as YamlScalarNode)?.Value;
    }
}

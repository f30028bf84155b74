namespace TransferFunctions.Infra.Tests.TestSupport;

/// <summary>One FROM ... [AS name] stage and its instructions in order.</summary>
public sealed class DockerStage(string image, string? name)
{
    public string Image { get; } = image;

    public string? Name { get; } = name;

    public List<DockerInstruction> Instructions { get; } = [];

    public IEnumerable<string> All(string keyword) =>
        Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

    public string Last(string keyword) => All(keyword).Last();
}

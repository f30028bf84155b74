using System.Text.Json;
using System.Text.RegularExpressions;

namespace TransferFunctions.Infra.Tests.TestSupport;

/// <summary>
/// The instructions of a Dockerfile, grouped by stage: enough of the format to read what our step images do
/// (line continuations joined, comments and parser directives dropped, exec-form arrays parsed).
/// </summary>
public sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyList<DockerStage> stages)
    {
        Stages = stages;
    }

    public IReadOnlyList<DockerStage> Stages { get; }

    public DockerStage Final => Stages[^1];

    public DockerStage Stage(string name) => Stages.Single(s => s.Name == name);

    public static Dockerfile Load(string path)
    {
        var logical = new List<string>();
        var current = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.TrimEnd();
            if (current.Length == 0 && (line.TrimStart().StartsWith('#') || line.Length == 0))
            {
                continue;
            }
            if (line.EndsWith('\\'))
            {
                current += line[..^1].Trim() + " ";
                continue;
            }
            logical.Add((current + line.Trim()).Trim());
            current = "";
        }
        var stages = new List<DockerStage>();
        foreach (var line in logical)
        {
            var match = InstructionPattern().Match(line);
            var keyword = match.Groups[1].Value.ToUpperInvariant();
            var arguments = match.Groups[2].Value.Trim();
            if (keyword == "FROM")
            {
                var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var name = parts.Length == 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null;
                stages.Add(new DockerStage(parts[0], name));
            }
            else if (stages.Count > 0)
            {
                stages[^1].Instructions.Add(new DockerInstruction(keyword, arguments));
            }
        }
        return new Dockerfile(stages);
    }

    /// <summary>An exec-form array (<c>["a", "b"]</c>) as its elements.</summary>
    public static IReadOnlyList<string> ExecForm(string arguments) =>
        JsonSerializer.Deserialize<string[]>(arguments) ?? throw new InvalidDataException($"not an exec-form array: {arguments}");

    [GeneratedRegex(@"^([A-Za-z]+)\s*(.*)$")]
    private static partial Regex InstructionPattern();
}

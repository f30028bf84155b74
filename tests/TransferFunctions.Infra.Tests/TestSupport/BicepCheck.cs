namespace TransferFunctions.Infra.Tests.TestSupport;

/// <summary>The outcome of building and linting a folder of templates.</summary>
public sealed class BicepCheck(IReadOnlyList<(string Command, ProcessResult Result)> results, int commandCount)
{
    public IReadOnlyList<(string Command, ProcessResult Result)> Results { get; } = results;

    /// <summary>Every command ran, exited 0 and printed no diagnostic.</summary>
    public bool Passed => Results.Count == commandCount && Results.All(r => IsClean(r.Result));

    /// <summary>Exit code 0 and not one diagnostic.</summary>
    public static bool IsClean(ProcessResult result) => result.ExitCode == 0 && Diagnostics(result).Count == 0;

    /// <summary>All diagnostics the commands printed (bicep writes them to stderr as "file(line,col) : Level code: text").</summary>
    public IReadOnlyList<string> AllDiagnostics => Results.SelectMany(r => Diagnostics(r.Result)).ToList();

    public override string ToString() => string.Join("\n", Results.Select(r => $"bicep {r.Command}: {r.Result}"));

    private static List<string> Diagnostics(ProcessResult result) =>
        result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}

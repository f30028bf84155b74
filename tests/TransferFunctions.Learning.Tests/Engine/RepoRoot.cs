namespace TransferFunctions.Learning.Tests.Engine;

/// <summary>The repository root, found from the test assembly, so fixtures are found however the tests run.</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "TransferFunctions.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no TransferFunctions.sln above {AppContext.BaseDirectory}");
    }
}

namespace TransferFunctions.Torch.Tests.Support;

/// <summary>Locates the repository from the test assembly, so fixtures are found however the tests are run.</summary>
internal static class RepoPaths
{
    private const string Marker = "TransferFunctions.Local.slnf";

    public static string Root { get; } = FindRoot();

    public static string TestProject => Path.Combine(Root, "tests", "TransferFunctions.Torch.Tests");

    public static string Fixture(string name) => Path.Combine(TestProject, "fixtures", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, Marker))) return dir.FullName;
        throw new InvalidOperationException($"no {Marker} above {AppContext.BaseDirectory}: cannot locate the repository root");
    }
}

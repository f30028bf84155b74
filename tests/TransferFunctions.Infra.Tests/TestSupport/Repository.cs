using System.Reflection;

namespace TransferFunctions.Infra.Tests.TestSupport;

/// <summary>Paths the build wrote into this assembly: the repository root and the restored bicep binary.</summary>
public static class Repository
{
    public static string Root { get; } = Metadata("RepoRoot");

    public static string Infra => Path.Combine(Root, "infra");

    public static string Deploy => Path.Combine(Root, "deploy");

    public static string BicepExecutable { get; } = Metadata("BicepExecutable");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is empty");
}

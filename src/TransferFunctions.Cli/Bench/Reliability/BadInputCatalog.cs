using System.Diagnostics;
using System.Xml.Linq;

namespace TransferFunctions.Cli.Bench.Reliability;

/// <summary>
/// The bad-input catalog is a test suite (<c>tests/*/BadInputs/</c>: bad batches through the real pipeline, bad requests
/// against a real <c>transfer serve</c>); the bench runs those very cases with <c>dotnet test</c> (built by
/// <c>./tf bench</c>) and counts them from the test results, so the figure is the catalog's, not a copy of it.
/// </summary>
public static class BadInputCatalog
{
    /// <summary>Test projects holding catalog cases, relative to the repository root.</summary>
    public static readonly IReadOnlyList<string> Projects =
    [
        "tests/TransferFunctions.Pipeline.Tests/TransferFunctions.Pipeline.Tests.csproj",
        "tests/TransferFunctions.Cli.Tests/TransferFunctions.Cli.Tests.csproj",
    ];

    /// <summary>Cases tried and cases handled as the catalog expects (passed).</summary>
    public sealed record Result(int Tried, int Handled, IReadOnlyList<string> Failed);

    /// <summary>The repository root above <paramref name="from"/> (the folder with TransferFunctions.sln), or null.</summary>
    public static string? FindRepository(string from)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(from)); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TransferFunctions.sln"))) return dir.FullName;
        }

        return null;
    }

    /// <summary>Runs every <c>BadInputs</c> test of <see cref="Projects"/> (already built in Release) and counts the outcomes.</summary>
    /// <exception cref="InvalidOperationException">dotnet test could not run or wrote no results.</exception>
    public static async Task<Result> RunAsync(string repository, string workRoot, TextWriter log, CancellationToken cancellationToken)
    {
        var (tried, handled, failed) = (0, 0, new List<string>());
        foreach (var project in Projects)
        {
            var results = Path.Combine(Path.GetFullPath(workRoot), "bad-inputs-" + Path.GetFileNameWithoutExtension(project));
            var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = repository };
            foreach (var a in new[] { "test", project, "-c", "Release", "--no-build", "-nologo", "--filter", "FullyQualifiedName~.BadInputs.", "--logger", "trx;LogFileName=bad-inputs.trx", "--results-directory", results })
                info.ArgumentList.Add(a);
            log.WriteLine($"[bench reliability] bad-input catalog: dotnet test {project} --filter BadInputs");
            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet test");
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var trx = Path.Combine(results, "bad-inputs.trx");
            if (!File.Exists(trx))
                throw new InvalidOperationException($"dotnet test {project} wrote no results (exit {process.ExitCode}): {Tail(await output + await error)}");
            var document = XDocument.Load(trx);
            XNamespace ns = document.Root!.Name.Namespace;
            foreach (var test in document.Descendants(ns + "UnitTestResult"))
            {
                tried++;
                if ((string?)test.Attribute("outcome") == "Passed") handled++;
                else failed.Add((string?)test.Attribute("testName") ?? "?");
            }
        }

        return new Result(tried, handled, failed);
    }

    private static string Tail(string text) => text.Length <= 1500 ? text : "…" + text[^1500..];
}

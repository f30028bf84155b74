using System.Text.RegularExpressions;
using System.Xml.Linq;
using TransferFunctions.Infra.Tests.TestSupport;

namespace TransferFunctions.Infra.Tests.Deploy;

/// <summary>
/// The step images build the step with the very command `./tf publish-step` runs here, from a build context that
/// keeps what that command reads, and run `transfer step` as a non-root user. Docker itself is not available on
/// this machine: the CPU image's build step is executed here as written; both images are built by GitHub Actions.
/// </summary>
public sealed class StepImageTests
{
    private const string Revision = "infra-test";

    public static TheoryData<string, string> Images => new()
    {
        { "cpu", "TorchSharp-cpu" },
        { "cuda", "TorchSharp-cuda-linux" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public async Task Each_image_builds_the_step_with_tf_publish_step_for_its_device(string device, string torchPackage)
    {
        var dockerfile = Dockerfile.Load(Repository.PathOf("deploy", $"Dockerfile.{device}"));
        var build = dockerfile.Stage("build");
        var run = Assert.Single(build.All("RUN"));
        var arguments = PublishArguments(run);

        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", build.Image, StringComparison.Ordinal);
        Assert.Equal(device, ValueAfter(arguments, "--device"));
        Assert.Equal("/out", ValueAfter(arguments, "--output"));

        // What tf runs for exactly these arguments: the CLI for linux-x64 with the device's TorchSharp package.
        var planned = await Processes.RunAsync(Repository.PathOf("tf"), [.. arguments, "--dry-run"], Repository.Root, TimeSpan.FromMinutes(1));
        Assert.True(planned.ExitCode == 0, planned.ToString());
        var publish = planned.StandardOutput.Trim().Split(' ');
        Assert.Equal(["dotnet", "publish", "src/TransferFunctions.Cli/TransferFunctions.Cli.csproj"], publish.Take(3));
        Assert.Equal("linux-x64", ValueAfter(publish, "-r"));
        Assert.Equal("/out", ValueAfter(publish, "-o"));
        Assert.Contains($"-p:TfTorchSharpPackage={torchPackage}", publish);
        Assert.Contains($"-p:SourceRevisionId={Revision}", publish);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Each_image_runs_transfer_step_as_a_non_root_user_on_its_device(string device, string torchPackage)
    {
        _ = torchPackage;
        var final = Dockerfile.Load(Repository.PathOf("deploy", $"Dockerfile.{device}")).Final;

        Assert.Equal(["/app/transfer", "step"], Dockerfile.ExecForm(final.Last("ENTRYPOINT")));
        Assert.Equal(["--help"], Dockerfile.ExecForm(final.Last("CMD")));
        Assert.Equal("/app", final.Last("WORKDIR"));
        Assert.Contains("--from=build /out ./", final.All("COPY"));
        var user = final.Last("USER");
        Assert.DoesNotContain(user, new[] { "root", "0", "0:0" });
        Assert.Matches(new Regex($@"(^|\s)TF_Engine__Device={device}(\s|$)"), string.Join(' ', final.All("ENV")));
        if (device == "cuda")
        {
            Assert.Matches(new Regex(@"^nvidia/cuda:12\.8\.\d+-runtime-ubuntu24\.04$"), final.Image);
        }
        else
        {
            Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", final.Image, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_build_context_keeps_every_file_the_publish_reads_and_leaves_out_tests_and_infrastructure()
    {
        var ignore = DockerIgnore.Load(Repository.PathOf(".dockerignore"));
        var files = RepositoryFiles();
        var required = RequiredPrefixes().ToList();

        var missing = files.Where(f => required.Any(p => f == p || f.StartsWith(p + "/", StringComparison.Ordinal)) && ignore.Excludes(f)).ToList();

        Assert.True(missing.Count == 0, "left out of the context but read by the publish:\n" + string.Join('\n', missing));
        Assert.Contains("src/TransferFunctions.Cli/TransferFunctions.Cli.csproj", files);
        Assert.True(ignore.Excludes("tests/TransferFunctions.Infra.Tests/Deploy/StepImageTests.cs"));
        Assert.True(ignore.Excludes("src/TransferFunctions.Cli/bin/Release/net10.0/transfer.dll"));
        Assert.True(ignore.Excludes("src/TransferFunctions.Cli/obj/project.assets.json"));
        Assert.True(ignore.Excludes("infra/main.bicep"));
        Assert.True(ignore.Excludes(".git/HEAD"));
        Assert.False(ignore.Excludes("tf"));
    }

    [Fact]
    public async Task The_cpu_image_build_step_publishes_a_step_command_that_runs()
    {
        var run = Assert.Single(Dockerfile.Load(Repository.PathOf("deploy", "Dockerfile.cpu")).Stage("build").All("RUN"));
        using var output = new TemporaryDirectory();
        var command = run.Replace("/out", output.Path, StringComparison.Ordinal).Replace("${SOURCE_REVISION}", Revision, StringComparison.Ordinal);

        // The build step as the Dockerfile writes it, run by the shell from the repository root (the build context).
        var published = await Processes.RunAsync("/bin/bash", ["-c", command], Repository.Root, TimeSpan.FromMinutes(30));

        Assert.True(published.ExitCode == 0, published.ToString());
        Assert.True(File.Exists(output.Combine("transfer")), "the entrypoint /app/transfer was not published");
        Assert.True(Directory.Exists(output.Combine("models", "base")), "the shipped base model was not published");
        var step = await Processes.RunAsync(output.Combine("transfer"), ["step", "--help"], output.Path, TimeSpan.FromMinutes(2));
        Assert.True(step.ExitCode == 0, step.ToString());
        Assert.Contains("--input", step.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("--output", step.StandardOutput, StringComparison.Ordinal);
    }

    private static string[] PublishArguments(string run)
    {
        const string Prefix = "./tf ";
        Assert.StartsWith(Prefix + "publish-step ", run, StringComparison.Ordinal);
        return run[Prefix.Length..].Replace("${SOURCE_REVISION}", Revision, StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string ValueAfter(IReadOnlyList<string> arguments, string option)
    {
        var index = arguments.ToList().IndexOf(option);
        Assert.True(index >= 0 && index + 1 < arguments.Count, $"{option} is missing from: {string.Join(' ', arguments)}");
        return arguments[index + 1];
    }

    // What a clean clone holds, plus new files not yet committed: tracked and untracked-but-not-ignored.
    private static HashSet<string> RepositoryFiles()
    {
        var listed = Processes.RunAsync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], Repository.Root, TimeSpan.FromMinutes(1)).GetAwaiter().GetResult();
        Assert.True(listed.ExitCode == 0, listed.ToString());
        return listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
    }

    // The CLI's project closure, the root build files, and every $(RepoRoot) path those projects include or import.
    private static IEnumerable<string> RequiredPrefixes()
    {
        yield return "tf";
        yield return "global.json";
        yield return "Directory.Build.props";
        yield return "Directory.Packages.props";
        var pending = new Stack<string>([Repository.PathOf("src", "TransferFunctions.Cli", "TransferFunctions.Cli.csproj")]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var projectFiles = new List<string> { Repository.PathOf("Directory.Build.props"), Repository.PathOf("Directory.Packages.props") };
        while (pending.TryPop(out var project))
        {
            project = Path.GetFullPath(project);
            if (!seen.Add(project))
            {
                continue;
            }
            projectFiles.Add(project);
            yield return Relative(Path.GetDirectoryName(project)!);
            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
            {
                pending.Push(Path.Combine(Path.GetDirectoryName(project)!, (string)reference.Attribute("Include")!));
            }
        }
        foreach (var file in projectFiles)
        {
            foreach (var element in XDocument.Load(file).Descendants())
            {
                foreach (var value in new[] { (string?)element.Attribute("Include"), (string?)element.Attribute("Project") })
                {
                    if (value is null || !value.StartsWith("$(RepoRoot)", StringComparison.Ordinal))
                    {
                        continue;
                    }
                    // Up to the first wildcard or property: the directory (or file) the item comes from.
                    var literal = Regex.Match(value["$(RepoRoot)".Length..], @"^[^*?$;]*").Value.TrimEnd('/');
                    if (literal.Length > 0)
                    {
                        yield return literal.Contains('/') && !File.Exists(Repository.PathOf(literal)) && !Directory.Exists(Repository.PathOf(literal))
                            ? literal[..literal.LastIndexOf('/')]
                            : literal;
                    }
                }
            }
        }
    }

    private static string Relative(string path) => Path.GetRelativePath(Repository.Root, path).Replace('\\', '/');
}

namespace TransferFunctions.Infra.Tests.TestSupport;

/// <summary>
/// The bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package. A template passes when it builds and lints
/// with exit code 0 and no diagnostic at all: every warning is either fixed or disabled in the template with its reason.
/// </summary>
public static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Builds every .bicep and .bicepparam file under <paramref name="directory"/> and lints them all, stopping at the
    /// first command that fails (build also runs the linter, so most breakages stop there).
    /// </summary>
    public static async Task<BicepCheck> CheckAsync(string directory, string outputDirectory)
    {
        var results = new List<(string Command, ProcessResult Result)>();
        var commands = new[]
        {
            new[] { "build", "--pattern", "**/*.bicep", "--outdir", outputDirectory, "--no-restore" },
            new[] { "build-params", "--pattern", "**/*.bicepparam", "--outdir", outputDirectory, "--no-restore" },
            new[] { "lint", "--pattern", "**/*.bicep", "--no-restore" },
            new[] { "lint", "--pattern", "**/*.bicepparam", "--no-restore" },
        };
        foreach (var arguments in commands)
        {
            var result = await RunAsync(directory, arguments);
            results.Add((string.Join(' ', arguments.Take(3)), result));
            if (!BicepCheck.IsClean(result))
            {
                break;
            }
        }
        return new BicepCheck(results, commands.Length);
    }

    public static Task<ProcessResult> RunAsync(string workingDirectory, params string[] arguments)
    {
        EnsureExecutable();
        return Processes.RunAsync(Repository.BicepExecutable, arguments, workingDirectory, Timeout);
    }

    // NuGet extracts files with the umask's mode; the binary must be executable for whoever runs the tests.
    private static void EnsureExecutable()
    {
        var path = Repository.BicepExecutable;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("the bicep binary was not restored (PackageDownload Azure.Bicep.CommandLine.linux-x64)", path);
        }
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        }
    }
}

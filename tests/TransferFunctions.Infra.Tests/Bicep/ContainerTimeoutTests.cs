using System.Text.RegularExpressions;
using TransferFunctions.Infra.Tests.TestSupport;

namespace TransferFunctions.Infra.Tests.Bicep;

/// <summary>
/// TF_Steps__ContainerTimeout is computed in Bicep (a TimeSpan string from the job's replica timeout and retries).
/// The expressions of modules/functionapp.bicep are evaluated by the bicep console and the result is parsed the way
/// the options binder will parse it.
/// </summary>
public sealed partial class ContainerTimeoutTests
{
    [Theory]
    [InlineData(7200, 1)]
    [InlineData(3600, 0)]
    [InlineData(86400, 3)]
    public async Task The_orchestrator_waits_for_every_replica_attempt_plus_a_margin(int replicaTimeoutSeconds, int retryLimit)
    {
        var source = File.ReadAllText(Path.Combine(Repository.Infra, "modules", "functionapp.bicep"));
        var declarations = TimeoutVariables().Matches(source).Select(m => Regex.Replace(m.Value, @"\s*\n\s*", " ")).ToList();
        Assert.Equal(2, declarations.Count);
        var input = string.Join('\n', [
            $"var stepReplicaTimeoutSeconds = {replicaTimeoutSeconds}",
            $"var stepReplicaRetryLimit = {retryLimit}",
            .. declarations,
            "containerTimeout",
            ""]);
        using var directory = new TemporaryDirectory();
        var script = directory.Combine("input.txt");
        File.WriteAllText(script, input);

        var result = await Processes.RunAsync("/bin/sh", ["-c", $"\"{Repository.BicepExecutable}\" console < \"{script}\""], directory.Path, TimeSpan.FromMinutes(2));

        var value = QuotedValue().Match(result.StandardOutput);
        Assert.True(value.Success, result.ToString());
        var timeout = TimeSpan.Parse(value.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromSeconds(replicaTimeoutSeconds * (retryLimit + 1)) + TimeSpan.FromMinutes(15), timeout);
    }

    // The two declarations, each possibly spanning lines (a format call broken over arguments).
    [GeneratedRegex(@"^var containerTimeout(Seconds)? = (format\((.|\n)*?\n\)|[^\n]*)", RegexOptions.Multiline)]
    private static partial Regex TimeoutVariables();

    [GeneratedRegex(@"'([0-9.:]+)'")]
    private static partial Regex QuotedValue();
}

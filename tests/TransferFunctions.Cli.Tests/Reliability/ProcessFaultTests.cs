using TransferFunctions.Cli.Bench.Reliability;

namespace TransferFunctions.Cli.Tests.Reliability;

/// <summary>
/// A representative few of the process-fault scenarios that <c>./tf bench reliability</c> runs in full, each against real
/// <c>transfer serve</c> processes on loopback: the host killed with SIGKILL after a promotion did its work but before it
/// was journaled, a step child process killed once, and a host frozen past its lease while a successor takes over.
/// </summary>
[Collection(Name)]
public sealed class ProcessFaultTests : IDisposable
{
    public const string Name = "process faults";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "tf-process-faults-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("kill-serve-during-promote")]
    [InlineData(ProcessFaultScenarios.ChildCrashRetried)]
    [InlineData(ProcessFaultScenarios.LeaseExpiresMidRun)]
    public async Task The_run_survives_the_fault_exactly_once(string scenario)
    {
        var log = new StringWriter();
        var result = await ProcessFaultScenarios.RunAsync(scenario, _root, log, CancellationToken.None);

        Assert.True(result.Survived, $"{result.Detail}\n{log}");
        Assert.Equal(0, result.RunsLost);
        Assert.Equal(0, result.DuplicateVersions);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

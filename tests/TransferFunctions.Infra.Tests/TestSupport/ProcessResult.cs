namespace TransferFunctions.Infra.Tests.TestSupport;

/// <summary>What a finished process left: its exit code and both streams.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}

using TransferFunctions.Infra.Tests.TestSupport;

namespace TransferFunctions.Infra.Tests.Bicep;

/// <summary>infra/main.bicep compiled once per test class, by the pinned bicep CLI.</summary>
public sealed class CompiledTemplate : IAsyncLifetime
{
    private readonly TemporaryDirectory _output = new();

    public ArmTemplate Template { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var path = _output.Combine("main.json");
        var result = await BicepCli.RunAsync(Repository.Infra, "build", "main.bicep", "--outfile", path, "--no-restore");
        Assert.True(result.ExitCode == 0, result.ToString());
        Template = ArmTemplate.Load(path);
    }

    public Task DisposeAsync()
    {
        _output.Dispose();
        return Task.CompletedTask;
    }
}

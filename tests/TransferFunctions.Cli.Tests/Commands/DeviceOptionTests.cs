namespace TransferFunctions.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class DeviceOptionTests
{
    [Fact]
    public async Task Asking_adapt_for_cuda_on_a_machine_without_it_fails_before_any_work()
    {
        var output = Path.Combine(Path.GetTempPath(), "tf-device-" + Guid.NewGuid().ToString("N"));
        // The data path does not exist: had the command started work, it would report that instead.
        var (code, _, error) = await CliRun.RunAsync("adapt", "--data", "/nonexistent/data", "--output", output, "--device", "cuda");
        Assert.Equal(2, code);
        Assert.Contains("device 'cuda' was requested but CUDA is not available on this machine", error);
        Assert.DoesNotContain("/nonexistent/data", error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Evaluate_refuses_an_unknown_device_by_name()
    {
        var (code, _, error) = await CliRun.RunAsync("evaluate", "--model", "/nonexistent/model", "--data", "/nonexistent/data", "--device", "gpu");
        Assert.Equal(2, code);
        Assert.Contains("unknown device 'gpu': use auto, cpu, cuda or cuda:N", error);
    }
}

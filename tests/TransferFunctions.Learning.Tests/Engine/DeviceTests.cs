using TorchSharp;
using TransferFunctions.Learning.Engine;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Tests.Engine;

public sealed class DeviceTests
{
    [Theory]
    [InlineData(null, false, 0, "cpu")]
    [InlineData("auto", false, 0, "cpu")]
    [InlineData("auto", true, 2, "cuda:0")]
    [InlineData("AUTO", true, 0, "cpu")]
    [InlineData("cpu", true, 2, "cpu")]
    [InlineData("cuda", true, 1, "cuda:0")]
    [InlineData("cuda:1", true, 2, "cuda:1")]
    public void The_device_option_resolves_against_what_the_machine_has(string? requested, bool cuda, int count, string expected) =>
        Assert.Equal(expected, EngineDevice.Select(requested, cuda, count));

    [Fact]
    public void A_cuda_request_without_cuda_fails_with_a_clear_message()
    {
        var e = Assert.Throws<DeviceUnavailableException>(() => EngineDevice.Select("cuda", false, 0));
        Assert.Contains("device 'cuda' was requested but CUDA is not available on this machine", e.Message);
        Assert.Contains("cuda:0 to cuda:1", Assert.Throws<DeviceUnavailableException>(() => EngineDevice.Select("cuda:2", true, 2)).Message);
        Assert.Contains("unknown device 'gpu'", Assert.Throws<ArgumentException>(() => EngineDevice.Select("gpu", true, 1)).Message);
    }

    [Fact]
    public void On_this_cpu_only_build_auto_is_the_cpu_and_cuda_is_refused()
    {
        Assert.Equal(DeviceType.CPU, EngineDevice.Resolve("auto").type);
        Assert.Equal("cpu", EngineDevice.Describe(EngineDevice.Resolve(null)));
        Assert.Throws<DeviceUnavailableException>(() => EngineDevice.Resolve("cuda:0"));
    }
}

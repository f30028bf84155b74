namespace TransferFunctions.Torch.Tests;

public class RuntimeTests
{
    [Fact]
    public void Thread_count_round_trips()
    {
        var original = torch.GetNumThreads();
        Assert.True(original >= 1);
        try
        {
            torch.SetNumThreads(1);
            Assert.Equal(1, torch.GetNumThreads());
            torch.SetNumThreads(2);
            Assert.Equal(2, torch.GetNumThreads());
        }
        finally
        {
            torch.SetNumThreads(original);
        }
        Assert.Equal(original, torch.GetNumThreads());
    }

    [Fact]
    public void Default_thread_count_follows_tf_threads_or_the_processor_count()
    {
        var requested = Environment.GetEnvironmentVariable(torch.ThreadsVariable);
        var expected = int.TryParse(requested, out var n) && n > 0 ? n : Environment.ProcessorCount;
        Assert.Equal(expected, torch.GetNumThreads());
    }

    [Fact]
    public void The_bound_libtorch_is_debians_1_13()
    {
        Assert.StartsWith("1.13", torch.Version);
    }

    [Fact]
    public void This_machine_has_no_cuda_so_the_default_device_is_the_cpu()
    {
        Assert.False(torch.cuda.IsAvailable());
        Assert.Equal(0, torch.cuda.DeviceCount());
        Assert.Equal(Device.CPU, torch.DefaultDevice());
        Assert.Equal(Device.CPU, torch.DefaultDevice("cpu"));
        torch.cuda.Synchronize(); // a no-op without CUDA, not an error
        var e = Assert.Throws<TorchException>(() => torch.DefaultDevice("cuda"));
        Assert.Contains("CUDA is not available", e.Message);
    }

    [Fact]
    public void Device_select_picks_cuda_zero_only_when_available()
    {
        Assert.Equal(Device.CPU, Device.Select("auto", cudaAvailable: false, cudaDeviceCount: 0));
        Assert.Equal(Device.CPU, Device.Select(null, false, 0));
        Assert.Equal(Device.CUDA(0), Device.Select("auto", true, 2));
        Assert.Equal(Device.CUDA(0), Device.Select("AUTO", true, 2));
        Assert.Equal(Device.CUDA(1), Device.Select("cuda:1", true, 2));
        Assert.Equal(Device.CPU, Device.Select("cpu", true, 2));
    }

    [Fact]
    public void Device_select_refuses_cuda_that_is_not_there()
    {
        var none = Assert.Throws<TorchException>(() => Device.Select("cuda", false, 0));
        Assert.Equal("device 'cuda' requested but CUDA is not available on this machine", none.Message);
        var tooFew = Assert.Throws<TorchException>(() => Device.Select("cuda:2", true, 2));
        Assert.Equal("device 'cuda:2' requested but only 2 CUDA device(s) exist", tooFew.Message);
    }

    [Fact]
    public void Device_parse_accepts_cpu_cuda_and_cuda_index()
    {
        Assert.Equal(Device.CPU, Device.Parse("cpu"));
        Assert.Equal(Device.CPU, Device.Parse(" CPU "));
        Assert.Equal(new Device(DeviceType.CUDA, 0), Device.Parse("cuda"));
        Assert.Equal(new Device(DeviceType.CUDA, 3), Device.Parse("cuda:3"));
        Assert.Equal("cuda:3", Device.Parse("cuda:3").ToString());
        Assert.Equal("cpu", Device.CPU.ToString());
        foreach (var bad in new[] { "gpu", "cuda:", "cuda:-1", "cuda:x", "" })
            Assert.Contains("use cpu, cuda or cuda:N", Assert.Throws<ArgumentException>(() => Device.Parse(bad)).Message);
    }

    [Fact]
    public void Moving_a_tensor_to_the_cpu_it_is_on_keeps_its_values()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.FromArray(new float[] { 1, 2 });
        Assert.Equal(new float[] { 1, 2 }, t.To(Device.CPU).ToArray<float>());
        Assert.Equal(new float[] { 1, 2 }, t.Cpu().ToArray<float>());
        Assert.Contains("CUDA", Assert.Throws<TorchException>(() => t.To(Device.CUDA(0))).Message);
    }
}

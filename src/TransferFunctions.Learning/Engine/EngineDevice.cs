using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Engine;

/// <summary>
/// The one device option (<c>auto</c> | <c>cpu</c> | <c>cuda</c> | <c>cuda:N</c>, configuration key <c>Engine:Device</c>)
/// resolved to a TorchSharp device. <c>auto</c> picks CUDA when <c>torch.cuda.is_available()</c>; an explicit CUDA
/// request on a machine without it fails here, before any work.
/// </summary>
public static class EngineDevice
{
    /// <summary>The configuration key of the option.</summary>
    public const string ConfigurationKey = "Engine:Device";

    public const string Auto = "auto";

    /// <summary>Resolves <paramref name="requested"/> (null or empty = auto) against this machine.</summary>
    public static Device Resolve(string? requested)
    {
        TorchRuntime.EnsureConfigured();
        var available = cuda.is_available();
        var spec = Select(requested, available, available ? cuda.device_count() : 0);
        return new Device(spec);
    }

    /// <summary>
    /// The device to use, as text (<c>cpu</c>, <c>cuda:N</c>), from the request and what the machine has. Pure, so the
    /// choice is tested on machines without a GPU.
    /// </summary>
    /// <exception cref="DeviceUnavailableException">CUDA (or that CUDA device) was asked for and is not there.</exception>
    /// <exception cref="ArgumentException">The text is not a device.</exception>
    public static string Select(string? requested, bool cudaAvailable, int cudaDeviceCount)
    {
        var t = (requested ?? "").Trim().ToLowerInvariant();
        if (t.Length == 0 || t == Auto) return cudaAvailable && cudaDeviceCount > 0 ? "cuda:0" : "cpu";
        if (t == "cpu") return "cpu";
        int index;
        if (t == "cuda") index = 0;
        else if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i)) index = i;
        else throw new ArgumentException($"unknown device '{requested}': use auto, cpu, cuda or cuda:N");
        if (!cudaAvailable || cudaDeviceCount == 0)
            throw new DeviceUnavailableException($"device '{requested}' was requested but CUDA is not available on this machine (this build uses {TorchRuntime.PackageDescription}); use --device cpu or auto");
        if (index >= cudaDeviceCount)
            throw new DeviceUnavailableException($"device '{requested}' was requested but this machine has {cudaDeviceCount} CUDA device(s) (cuda:0 to cuda:{cudaDeviceCount - 1})");
        return $"cuda:{index}";
    }

    /// <summary>The text form used in outputs (<c>cpu</c>, <c>cuda:0</c>).</summary>
    public static string Describe(Device device) => device.type == DeviceType.CPU ? "cpu" : $"cuda:{Math.Max(0, (int)device.index)}";
}

namespace TransferFunctions.Torch;

/// <summary>Where a tensor lives: <c>cpu</c> or <c>cuda:N</c>.</summary>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    public static Device CPU { get; } = new(DeviceType.CPU);

    public static Device CUDA(int index = 0) => new(DeviceType.CUDA, index);

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:1</c>.</summary>
    public static Device Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return CPU;
        if (t == "cuda") return CUDA();
        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t.AsSpan(5), out var i) && i >= 0) return CUDA(i);
        throw new ArgumentException($"unknown device '{text}': use cpu, cuda or cuda:N");
    }

    /// <summary>
    /// The device work should run on: the requested one, or CUDA when available and CPU otherwise.
    /// Pure so the choice is testable on machines without a GPU.
    /// </summary>
    public static Device Select(string? requested, bool cudaAvailable, int cudaDeviceCount)
    {
        if (string.IsNullOrWhiteSpace(requested) || requested.Equals("auto", StringComparison.OrdinalIgnoreCase))
            return cudaAvailable && cudaDeviceCount > 0 ? CUDA(0) : CPU;
        var device = Parse(requested);
        if (device.Type == DeviceType.CUDA)
        {
            if (!cudaAvailable) throw new TorchException($"device '{requested}' requested but CUDA is not available on this machine");
            if (device.Index >= cudaDeviceCount) throw new TorchException($"device '{requested}' requested but only {cudaDeviceCount} CUDA device(s) exist");
        }
        return device;
    }

    public override string ToString() => Type == DeviceType.CPU ? "cpu" : Index < 0 ? "cuda" : $"cuda:{Index}";
}

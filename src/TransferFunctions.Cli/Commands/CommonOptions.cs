using System.CommandLine;
using TransferFunctions.Cli.Hosting;

namespace TransferFunctions.Cli.Commands;

/// <summary>Options several commands share, defined once.</summary>
public static class CommonOptions
{
    /// <summary>The filesystem store's folder (configuration <c>Store:Root</c>); unset, the configuration decides.</summary>
    public static Option<string?> Store() => new("--store")
    {
        Description = $"store directory (default: Store:Root from appsettings.json / TF_Store__Root, else ${LocalPipeline.StoreVariable}, else ./.store)",
    };

    public static Option<bool> Json() => new("--json") { Description = "print JSON instead of a table" };

    /// <summary>Environment form of the <c>Engine:Device</c> configuration key.</summary>
    public const string DeviceVariable = "TF_Engine__Device";

    /// <summary>The configuration key of the engine device.</summary>
    public const string DeviceKey = "Engine:Device";

    /// <summary>The engine device option (<c>Engine:Device</c>); a CUDA request on a machine without CUDA fails before any work.</summary>
    public static Option<string> Device() => new("--device")
    {
        Description = $"engine device: auto (CUDA when available), cpu, cuda or cuda:N (default: ${DeviceVariable} or auto)",
        DefaultValueFactory = _ => DefaultDevice,
    };

    public static string DefaultDevice => Environment.GetEnvironmentVariable(DeviceVariable) is { Length: > 0 } d ? d : TransferFunctions.Learning.Engine.EngineDevice.Auto;
}

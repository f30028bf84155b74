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
}

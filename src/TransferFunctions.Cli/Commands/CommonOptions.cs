using System.CommandLine;
using TransferFunctions.Cli.Hosting;

namespace TransferFunctions.Cli.Commands;

/// <summary>Options several commands share, defined once.</summary>
public static class CommonOptions
{
    public static Option<string> Store() => new("--store")
    {
        Description = $"store directory (default: ${LocalPipeline.StoreVariable} or ./.store)",
        DefaultValueFactory = _ => LocalPipeline.DefaultStoreRoot,
    };

    public static Option<bool> Json() => new("--json") { Description = "print JSON instead of a table" };
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace TransferFunctions.Cli.Hosting;

/// <summary>
/// Where every command's configuration comes from, lowest priority first: built-in defaults, <c>appsettings.json</c> in
/// the working directory, environment variables with the prefix <c>TF_</c> (<c>TF_Store__Root</c>), then the command's
/// own options (<c>--store</c> is <c>Store:Root</c>).
/// </summary>
public static class CliConfiguration
{
    /// <summary>Environment variable naming the default store directory (kept from before the TF_ sections; <c>TF_Store__Root</c> wins).</summary>
    public const string StoreVariable = "TF_STORE";

    public const string AppSettingsFile = "appsettings.json";

    /// <param name="configuration">The host's configuration builder.</param>
    /// <param name="commandLine">Keys the command's options set.</param>
    /// <param name="defaults">More built-in defaults of this command (lowest priority).</param>
    public static void AddSources(IConfigurationBuilder configuration, IReadOnlyDictionary<string, string?> commandLine, IReadOnlyDictionary<string, string?>? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var initial = Defaults();
        foreach (var (key, value) in defaults ?? new Dictionary<string, string?>()) initial[key] = value;
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = initial });
        configuration.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), AppSettingsFile), optional: true, reloadOnChange: false);
        configuration.AddEnvironmentVariables("TF_");
        configuration.AddInMemoryCollection(commandLine);
    }

    private static Dictionary<string, string?> Defaults() => new()
    {
        ["Store:Root"] = Environment.GetEnvironmentVariable(StoreVariable) is { Length: > 0 } s ? s : ".store",
    };
}

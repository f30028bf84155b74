using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Pipeline.Tests.TestSupport;

/// <summary>The pipeline as hosts compose it (<see cref="CoreServiceCollectionExtensions.AddTransferFunctionsCore"/>), over a store folder.</summary>
public static class CoreServices
{
    /// <param name="storeRoot">The filesystem store's folder.</param>
    /// <param name="executor">Replaces the step executor (built from the provider, e.g. wrapping the in-process one).</param>
    /// <param name="settings">More configuration keys.</param>
    /// <param name="configure">More registrations (before the core's, which only fill what is missing).</param>
    public static ServiceProvider Build(string storeRoot, Func<IServiceProvider, IStepExecutor>? executor = null, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null)
    {
        var values = new Dictionary<string, string?> { ["Store:Root"] = storeRoot, ["Runner:PollInterval"] = "00:00:00.050" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        if (executor is not null) services.AddSingleton(executor);
        configure?.Invoke(services);
        services.AddTransferFunctionsCore(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}

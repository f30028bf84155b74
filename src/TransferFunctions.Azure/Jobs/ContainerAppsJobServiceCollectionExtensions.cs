using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TransferFunctions.Azure.Storage;

namespace TransferFunctions.Azure.Jobs;

/// <summary>Registers the Container Apps step launcher from the <c>ContainerApps:</c> and <c>Store:</c> sections.</summary>
public static class ContainerAppsJobServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="ContainerAppsJobOptions"/> and registers <see cref="ContainerAppsJobLauncher"/> as the
    /// <see cref="IContainerStepLauncher"/>. ARM requests are signed by the registered <see cref="TokenCredential"/>, else
    /// by <see cref="DefaultAzureCredential"/> (the managed identity in Azure).
    /// </summary>
    public static IServiceCollection AddContainerAppsStepLauncher(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ContainerAppsJobOptions>().Bind(configuration.GetSection(ContainerAppsJobOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ContainerAppsJobOptions>, ContainerAppsJobOptionsValidator>());
        services.TryAddSingleton<TokenCredential>(static _ => new DefaultAzureCredential());
        var store = configuration.GetSection(AzureBlobStoreOptions.SectionName);
        services.TryAddSingleton(provider =>
        {
            var storeOptions = new AzureBlobStoreOptions();
            store.Bind(storeOptions);
            return new ContainerAppsJobLauncher(
                provider.GetRequiredService<IOptions<ContainerAppsJobOptions>>().Value,
                storeOptions,
                provider.GetRequiredService<TokenCredential>(),
                provider.GetService<ContainerAppsJobClientOptions>(),
                provider.GetService<ILogger<ContainerAppsJobLauncher>>());
        });
        services.TryAddSingleton<IContainerStepLauncher>(static provider => provider.GetRequiredService<ContainerAppsJobLauncher>());
        return services;
    }
}

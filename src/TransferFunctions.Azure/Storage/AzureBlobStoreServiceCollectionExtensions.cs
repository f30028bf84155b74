using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Azure.Storage;

/// <summary>Registers the Azure Blob store from the <c>Store:</c> configuration section.</summary>
public static class AzureBlobStoreServiceCollectionExtensions
{
    /// <summary>
    /// When <c>Store:Kind</c> is <c>azure-blob</c>, binds and validates <see cref="AzureBlobStoreOptions"/> (at start-up
    /// and on first use) and registers <see cref="AzureBlobObjectStore"/> as the <see cref="IObjectStore"/>; otherwise
    /// registers nothing. A <see cref="TokenCredential"/> already registered is used; else <see cref="DefaultAzureCredential"/>
    /// (the managed identity named by <c>AZURE_CLIENT_ID</c> in Azure, developer credentials locally).
    /// </summary>
    public static IServiceCollection AddAzureBlobStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(AzureBlobStoreOptions.SectionName);
        if (!string.Equals(section["Kind"], AzureBlobStoreOptions.KindName, StringComparison.OrdinalIgnoreCase))
        {
            return services;
        }

        services.AddOptions<AzureBlobStoreOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AzureBlobStoreOptions>, AzureBlobStoreOptionsValidator>());
        services.TryAddSingleton<TokenCredential>(static _ => new DefaultAzureCredential());
        services.TryAddSingleton(static provider =>
        {
            var options = provider.GetRequiredService<IOptions<AzureBlobStoreOptions>>().Value;
            // The credential is only resolved for the managed-identity path, so Azurite needs no Azure sign-in.
            var credential = string.IsNullOrWhiteSpace(options.ConnectionString) ? provider.GetRequiredService<TokenCredential>() : null;
            return AzureBlobObjectStore.Create(options, credential, provider.GetService<ILogger<AzureBlobObjectStore>>());
        });
        services.Replace(ServiceDescriptor.Singleton<IObjectStore>(static provider => provider.GetRequiredService<AzureBlobObjectStore>()));
        return services;
    }
}

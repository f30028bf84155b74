using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TransferFunctions.Azure.Jobs;
using TransferFunctions.Azure.Storage;
using TransferFunctions.Functions.Containers;
using TransferFunctions.Functions.Projects;
using TransferFunctions.Functions.Runs;
using TransferFunctions.Functions.Steps;
using TransferFunctions.Pipeline.Hosting;

namespace TransferFunctions.Functions;

/// <summary>The Functions app's composition: the core's one composition root, plus the Durable host's parts.</summary>
public static class FunctionsAppServices
{
    /// <summary>
    /// Registers the core (<see cref="CoreServiceCollectionExtensions.AddTransferFunctionsCore"/>: store by <c>Store:Kind</c>,
    /// registry, steps, in-process executor), the Azure Blob store and, for <c>Steps:Runner = container-job</c>, the
    /// Container Apps job launcher from TransferFunctions.Azure, and this app's step runner options (<c>Steps</c>), turn
    /// queue and Durable adaptation service. A launcher registered before this call (tests) is kept.
    /// </summary>
    public static IServiceCollection AddTransferFunctionsApp(this IServiceCollection services, IConfiguration configuration)
    {
        // The Azure Blob store when Store:Kind is azure-blob (a no-op otherwise); registered first, so the core's default yields.
        services.AddAzureBlobStore(configuration);
        if (configuration[$"{StepRunnerOptions.Section}:{nameof(StepRunnerOptions.Runner)}"] == StepRunnerKinds.ContainerJob)
        {
            // Each step a Container Apps job execution (ContainerApps: section), monitored by RunStepInContainer.
            services.AddContainerAppsStepLauncher(configuration);
            services.TryAddSingleton<IStepJobLauncher>(sp => new ContainerAppsStepJobLauncher(sp.GetRequiredService<IContainerStepLauncher>()));
        }

        services.AddTransferFunctionsCore(configuration);
        services.AddOptions<StepRunnerOptions>()
            .Bind(configuration.GetSection(StepRunnerOptions.Section))
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();
        services.TryAddSingleton<ProjectTurns>();
        services.TryAddSingleton<DurableAdaptationServices>();
        return services;
    }
}

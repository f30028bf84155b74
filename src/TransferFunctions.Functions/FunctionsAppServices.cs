using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TransferFunctions.Azure.Jobs;
using TransferFunctions.Azure.Storage;
using TransferFunctions.Functions.Projects;
using TransferFunctions.Functions.Runs;
using TransferFunctions.Functions.Steps;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions;

/// <summary>
/// The Functions app's composition: a thin host over the core's composition root
/// (<see cref="CoreServiceCollectionExtensions.AddTransferFunctionsCore"/>), with the Azure adapters and the Durable parts.
/// </summary>
public static class FunctionsAppServices
{
    /// <summary>
    /// Registers what the functions need, from the contract's sections: <c>Store</c> (<c>filesystem</c>, or <c>azure-blob</c>
    /// through TransferFunctions.Azure), <c>Pipeline</c>, <c>Engine:Device</c>, <c>Steps</c> (this app's step runner) and,
    /// for <c>Steps:Runner</c> = <c>container-job</c>, <c>ContainerApps</c> (the Container Apps job that runs the steps).
    /// What a caller registered before (a store, a step executor, a container launcher) is kept: the core and the adapters only fill what is missing.
    /// </summary>
    public static IServiceCollection AddTransferFunctionsApp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StepRunnerOptions>()
            .Bind(configuration.GetSection(StepRunnerOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StepRunnerOptions>, StepRunnerOptionsValidator>());

        // Overrides first: the core registers with TryAdd. Durable Functions hands its client to each function as a
        // binding (the isolated worker has no client in DI), so this app's IAdaptationService is made per invocation by
        // DurableAdaptationServices; the core's local service must not stand in for it.
        services.TryAddSingleton<IAdaptationService>(_ => throw new InvalidOperationException(
            "The Functions app has no process-wide IAdaptationService: runs are Durable orchestrations, reached through the client each function is given; use DurableAdaptationServices.For(client)."));
        // Health without a local scheduler: runs are scheduled by Durable Functions, not in this process.
        services.TryAddSingleton(sp => new HealthProbe(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<IOptions<StoreOptions>>()));
        services.AddAzureBlobStore(configuration);
        if (string.Equals(configuration[$"{StepRunnerOptions.Section}:{nameof(StepRunnerOptions.Runner)}"], StepRunnerKinds.ContainerJob, StringComparison.Ordinal))
            services.AddContainerAppsStepLauncher(configuration);

        services.AddTransferFunctionsCore(configuration);

        services.TryAddSingleton(sp => new ProjectTurns(sp.GetRequiredService<IObjectStore>()));
        services.TryAddSingleton<DurableAdaptationServices>();
        return services;
    }
}

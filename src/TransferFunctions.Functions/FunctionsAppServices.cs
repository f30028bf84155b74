using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TransferFunctions.Functions.Projects;
using TransferFunctions.Functions.Runs;
using TransferFunctions.Functions.Steps;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions;

/// <summary>The Functions app's composition: store, steps and the step runner from configuration (the contract's sections).</summary>
public static class FunctionsAppServices
{
    /// <summary>
    /// Registers what the functions need. <c>Store:Kind</c> = <c>filesystem</c> (<c>Store:Root</c>) is built here; an
    /// <c>azure-blob</c> store comes from the Azure library (register its <see cref="IObjectStore"/> before calling this).
    /// </summary>
    public static IServiceCollection AddTransferFunctionsApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StepRunnerOptions>()
            .Bind(configuration.GetSection(StepRunnerOptions.Section))
            .Validate(o => { o.Validate(); return true; });
        services.TryAddSingleton(sp => StoreFromConfiguration(sp, configuration));
        services.AddSingleton(sp => new PipelineSteps(sp.GetRequiredService<IObjectStore>(),
            new PipelineOptions { WorkDirectory = Path.Combine(Path.GetTempPath(), "transferfunctions-work") }));
        services.AddSingleton<IStepExecutor>(sp => sp.GetRequiredService<PipelineSteps>().CreateInProcessExecutor());
        services.AddSingleton<ProjectTurns>();
        services.AddSingleton<DurableAdaptationServices>();
        return services;
    }

    private static IObjectStore StoreFromConfiguration(IServiceProvider services, IConfiguration configuration)
    {
        var kind = configuration["Store:Kind"] ?? "filesystem";
        if (kind == "filesystem")
        {
            var root = configuration["Store:Root"];
            if (string.IsNullOrWhiteSpace(root)) throw new OptionsValidationException("Store:Root", typeof(IObjectStore), ["Store:Kind is filesystem but Store:Root is not set."]);
            return new FileSystemObjectStore(root);
        }

        throw new OptionsValidationException("Store:Kind", typeof(IObjectStore),
            [$"Store:Kind is '{kind}': this build composes 'filesystem' only; 'azure-blob' is registered by TransferFunctions.Azure (an IObjectStore registered before AddTransferFunctionsApp wins)."]);
    }
}

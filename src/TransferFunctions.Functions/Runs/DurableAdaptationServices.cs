using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TransferFunctions.Functions.Containers;
using TransferFunctions.Functions.Projects;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Runs;

/// <summary>Makes the <see cref="DurableAdaptationService"/> of one function invocation, over the Durable client it was given.</summary>
public sealed class DurableAdaptationServices(IObjectStore store, ProjectTurns turns, IServiceProvider services, ILoggerFactory loggers)
{
    public IObjectStore Store => store;

    public DurableAdaptationService For(DurableTaskClient client) =>
        new(client, store, turns, services.GetService<IStepJobLauncher>(), loggers.CreateLogger<DurableAdaptationService>());
}

using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TransferFunctions.Functions.Containers;
using TransferFunctions.Functions.Projects;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Runs;

/// <summary>Makes the <see cref="DurableAdaptationService"/> of one function invocation, over the Durable client it was given.</summary>
public sealed class DurableAdaptationServices(IObjectStore store, AdaptationService local, ProjectTurns turns, IServiceProvider services, ILoggerFactory loggers)
{
    public IObjectStore Store => store;

    public DurableAdaptationService For(DurableTaskClient client) =>
        new(client, local, turns, services.GetService<IStepJobLauncher>(), loggers.CreateLogger<DurableAdaptationService>());

    /// <summary>The host-neutral HTTP API (<c>transfer serve</c>'s too) over the invocation's Durable service.</summary>
    public AdaptationApi ApiFor(DurableTaskClient client) => new(For(client));
}

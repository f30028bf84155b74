using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TransferFunctions.Azure.Jobs;
using TransferFunctions.Functions.Projects;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Runs;

/// <summary>
/// Makes the <see cref="DurableAdaptationService"/> of one function invocation, over the Durable client it was given
/// (Durable Functions passes the client as a binding, not through DI), and the shared HTTP contract over it.
/// </summary>
/// <param name="core">The core's service: request resolution (project settings, defaults, base model) and the model registry.</param>
/// <param name="store">The store (the arrival trigger's records, report files).</param>
/// <param name="turns">Per-project run order.</param>
/// <param name="services">Where the container step launcher is found, when the <c>container-job</c> runner is configured.</param>
/// <param name="loggers">Loggers of the per-invocation services.</param>
public sealed class DurableAdaptationServices(AdaptationService core, IObjectStore store, ProjectTurns turns, IServiceProvider services, ILoggerFactory loggers)
{
    public IObjectStore Store => store;

    public DurableAdaptationService For(DurableTaskClient client) =>
        new(client, turns, core, services.GetService<IContainerStepLauncher>(), loggers.CreateLogger<DurableAdaptationService>());

    /// <summary>The host-neutral API (<c>transfer serve</c> calls the same one) over <see cref="For"/>.</summary>
    public AdaptationApi ApiFor(DurableTaskClient client) => new(For(client));
}

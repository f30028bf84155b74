using Microsoft.Extensions.Logging;
using TransferFunctions.Cli.Hosting;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Serve;

/// <summary>The real pipeline behind <c>transfer serve</c>: <see cref="LocalPipeline"/>'s AdaptationService, its runs executed by the host's scheduler.</summary>
public static class LocalServePipeline
{
    public static ServePipeline Create(IObjectStore store, IRunScheduler scheduler, ILoggerFactory loggers)
    {
        var root = store is FileSystemObjectStore files
            ? files.RootDirectory
            : throw new ArgumentException($"transfer serve runs the local pipeline on a filesystem store, not a {store.GetType().Name}.", nameof(store));
        var byId = new RunIdScheduler(new OrchestrationClient(store), scheduler, loggers.CreateLogger<RunIdScheduler>());
        var pipeline = new LocalPipeline(root, StepIsolation.InProcess, byId.Schedule);
        return new ServePipeline(pipeline.Service, (id, ct) => pipeline.Service.RunAsync(id, ct));
    }
}

using Microsoft.Extensions.Logging;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Serve;

/// <summary>
/// Composes the pipeline <c>transfer serve</c> runs over the host's store; the service must hand
/// every run it creates to <paramref name="scheduler"/>, which executes it with
/// <see cref="ServePipeline.ExecuteRun"/> under the host's concurrency rules.
/// </summary>
public delegate ServePipeline ServePipelineFactory(IObjectStore store, IRunScheduler scheduler, ILoggerFactory loggers);

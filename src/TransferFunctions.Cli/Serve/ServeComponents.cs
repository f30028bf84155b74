using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Serve;

/// <summary>
/// The pipeline parts a <c>transfer serve</c> host runs: the store (reports are read from it), the
/// service every route delegates to, the scheduler that executes runs (and resumes unfinished ones
/// at start), and the data-arrival trigger (null: none).
/// </summary>
public sealed record ServeComponents(IObjectStore Store, IAdaptationService Service, RunScheduler Scheduler, DataArrivalTrigger? Trigger);

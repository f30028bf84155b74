using TransferFunctions.Pipeline.Service;

namespace TransferFunctions.Cli.Serve;

/// <summary>What the pipeline gives the serve host: the service every route calls, and how to execute (or resume) one run by id.</summary>
/// <param name="Service">Creates runs and hands them to the scheduler it was composed with.</param>
/// <param name="ExecuteRun">Runs one run to its end, e.g. <c>runner.RunAsync(orchestrator, id, ct)</c>; cancellation stops it like a crash.</param>
public sealed record ServePipeline(IAdaptationService Service, Func<string, CancellationToken, Task> ExecuteRun);

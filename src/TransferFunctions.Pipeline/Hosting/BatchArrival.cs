namespace TransferFunctions.Pipeline.Hosting;

/// <summary>
/// The trigger's record that a batch's <c>_READY</c> marker was seen and handled
/// (<c>triggers/arrivals/{project}/{batch}.json</c>): the run it started, or why none could be.
/// A batch with this record never starts another run.
/// </summary>
/// <param name="Project">The project folder under <c>datasets/</c>.</param>
/// <param name="Batch">The batch folder under the project.</param>
/// <param name="RunId">The run started for the batch; null when <paramref name="Problem"/> prevented one.</param>
/// <param name="HandledAt">When the trigger handled the marker.</param>
/// <param name="Problem">Why no run could be started (e.g. an invalid project name), else null.</param>
public sealed record BatchArrival(string Project, string Batch, string? RunId, DateTimeOffset HandledAt, string? Problem = null);

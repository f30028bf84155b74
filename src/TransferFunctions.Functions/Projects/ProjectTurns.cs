using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Projects;

/// <summary>
/// Runs of one project execute one after another, so each promotion is judged against the champion the
/// previous run left: a first-come queue per project in the store, changed only by compare-and-swap.
/// </summary>
/// <remarks>
/// The Durable side is an orchestration protocol: a run claims (an activity), waits for the
/// <see cref="Orchestration.DurableNames.ProjectTurnEvent"/> if it is not first, and on its way out releases
/// (an activity) and sends that event to the new first run. Both operations are idempotent, because activities
/// run at least once: a claim appends only once, and a release always names the current first run, so a release
/// whose result was lost and is executed again still signals the successor (an extra signal to a run that
/// already holds the turn is ignored).
/// </remarks>
public sealed class ProjectTurns(IObjectStore store)
{
    public async Task<ProjectTurnClaim> ClaimAsync(ProjectTurnRequest request, CancellationToken cancellationToken)
    {
        var key = ProjectTurnQueue.KeyOf(ProjectNames.Validate(request.Project));
        var queue = await store.UpdateJsonAsync<ProjectTurnQueue>(key,
            q => q is not null && q.Runs.Contains(request.RunId) ? null : new ProjectTurnQueue([.. q?.Runs ?? [], request.RunId]),
            cancellationToken);
        var runs = queue!.Value.Runs;
        var index = runs.ToList().IndexOf(request.RunId);
        return index > 0 ? new ProjectTurnClaim(true, runs[index - 1]) : new ProjectTurnClaim(false, null);
    }

    /// <summary>Removes the run from its project's queue; returns the run that holds the turn now (to signal), if any.</summary>
    public async Task<string?> ReleaseAsync(ProjectTurnRequest request, CancellationToken cancellationToken)
    {
        var key = ProjectTurnQueue.KeyOf(ProjectNames.Validate(request.Project));
        var queue = await store.UpdateJsonAsync<ProjectTurnQueue>(key,
            q => q is null || !q.Runs.Contains(request.RunId) ? null : new ProjectTurnQueue(q.Runs.Where(r => r != request.RunId).ToArray()),
            cancellationToken);
        return queue?.Value.Runs.FirstOrDefault();
    }

    /// <summary>The runs holding or waiting for the project's turn, first one first.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string project, CancellationToken cancellationToken) =>
        (await store.ReadJsonAsync<ProjectTurnQueue>(ProjectTurnQueue.KeyOf(ProjectNames.Validate(project)), cancellationToken))?.Value.Runs ?? [];
}

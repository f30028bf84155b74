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
/// A run that ended without releasing (purged, deleted, or terminated outside the API) would block the queue for good,
/// so a claim first drops every run ahead of it that is no longer live; a waiting run claims again now and then
/// (<see cref="Steps.StepRunnerOptions.ProjectTurnRecheckInterval"/>) to sweep a head that died while it waited.
/// </remarks>
public sealed class ProjectTurns(IObjectStore store)
{
    /// <summary>Appends the run to its project's queue (once) and says whether it must wait, and for whom.</summary>
    /// <param name="request">The project and the claiming run.</param>
    /// <param name="isLive">Whether a run is still running or waiting (its instance exists and is not terminal).</param>
    /// <param name="cancellationToken">Cancels the store calls.</param>
    public async Task<ProjectTurnClaim> ClaimAsync(ProjectTurnRequest request, Func<string, CancellationToken, Task<bool>> isLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(isLive);
        var key = ProjectTurnQueue.KeyOf(ProjectNames.Validate(request.Project));
        var queue = await store.UpdateJsonAsync<ProjectTurnQueue>(key,
            q => q is not null && q.Runs.Contains(request.RunId) ? null : new ProjectTurnQueue([.. q?.Runs ?? [], request.RunId]),
            cancellationToken);
        var runs = queue!.Value.Runs;
        while (true)
        {
            var ahead = runs.TakeWhile(r => r != request.RunId).ToList();
            var dead = new HashSet<string>(StringComparer.Ordinal);
            foreach (var run in ahead)
            {
                if (!await isLive(run, cancellationToken)) dead.Add(run);
            }

            if (dead.Count == 0) return ahead.Count > 0 ? new ProjectTurnClaim(true, ahead[^1]) : new ProjectTurnClaim(false, null);
            var swept = await store.UpdateJsonAsync<ProjectTurnQueue>(key,
                q => q is null || !q.Runs.Any(dead.Contains) ? null : new ProjectTurnQueue(q.Runs.Where(r => !dead.Contains(r)).ToArray()),
                cancellationToken);
            runs = swept?.Value.Runs ?? (await store.ReadJsonAsync<ProjectTurnQueue>(key, cancellationToken))?.Value.Runs ?? [request.RunId];
        }
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

using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Api;

/// <summary>
/// Quarantine of a project's batches, for every host (<c>transfer batches exclude|include</c> and
/// <c>POST /api/projects/{project}/batches/{batch}/exclude|include</c>): an excluded batch stays in the store untouched
/// and the validate step leaves it out, so the project's later runs no longer fail on it.
/// </summary>
public sealed class BatchesApi(IObjectStore store, TimeProvider time)
{
    /// <summary>Records the exclusion (again, if it exists: the latest reason wins) and returns it.</summary>
    /// <exception cref="InvalidRequestException">The project or batch name is malformed.</exception>
    /// <exception cref="NotFoundException">Nothing is stored under the batch's folder.</exception>
    public async Task<BatchExclusion> ExcludeAsync(string project, string batch, ExclusionBody? body, CancellationToken cancellationToken)
    {
        await RequireBatchAsync(project, batch, cancellationToken).ConfigureAwait(false);
        var exclusion = new BatchExclusion(batch, body?.By ?? "http api", body?.Reason, time.GetUtcNow());
        await store.WriteJsonAsync(BatchExclusion.KeyOf(project, batch), exclusion, WriteCondition.Always, cancellationToken).ConfigureAwait(false);
        return exclusion;
    }

    /// <summary>Deletes the exclusion; false when the batch was not excluded.</summary>
    public async Task<bool> IncludeAsync(string project, string batch, CancellationToken cancellationToken)
    {
        Check(project, batch);
        return await store.DeleteAsync(BatchExclusion.KeyOf(project, batch), WriteCondition.Always, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The project's exclusions, by batch name.</summary>
    public async Task<IReadOnlyList<BatchExclusion>> ListExcludedAsync(string project, CancellationToken cancellationToken)
    {
        Check(project, null);
        var found = new List<BatchExclusion>();
        foreach (var batch in (await BatchExclusion.ListAsync(store, project, cancellationToken).ConfigureAwait(false)).Order(StringComparer.Ordinal))
            if (await store.ReadJsonAsync<BatchExclusion>(BatchExclusion.KeyOf(project, batch), cancellationToken).ConfigureAwait(false) is { } stored)
                found.Add(stored.Value);
        return found;
    }

    private async Task RequireBatchAsync(string project, string batch, CancellationToken cancellationToken)
    {
        Check(project, batch);
        await foreach (var _ in store.ListAsync($"datasets/{project}/{batch}/", cancellationToken).ConfigureAwait(false))
            return;
        throw new NotFoundException($"Batch '{batch}' of project '{project}' does not exist (nothing under datasets/{project}/{batch}/).");
    }

    private static void Check(string project, string? batch)
    {
        try
        {
            ProjectNames.Validate(project);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidRequestException($"Project is invalid: {ex.Message}.", ex);
        }
        if (batch is not null && !BatchNames.IsValid(project, batch))
            throw new InvalidRequestException($"Batch '{batch}' is not a batch name: one folder name under datasets/{project}/ (no '/', '\\', leading '.' or '..').");
    }
}

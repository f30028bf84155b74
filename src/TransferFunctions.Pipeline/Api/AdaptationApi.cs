using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;

namespace TransferFunctions.Pipeline.Api;

/// <summary>
/// The HTTP API's behaviour without HTTP: what each route checks and calls, written once for <c>transfer serve</c> and the
/// Functions app. A host reads the body bytes and route values, calls one method here, and writes the result as JSON
/// (202 with <c>Location</c> where the method says so); exceptions become problems through <see cref="ApiErrorMapping"/>.
/// </summary>
public sealed class AdaptationApi(IAdaptationService service)
{
    /// <summary><c>POST /api/adaptations</c> (202, Location = <see cref="ApiRoutes.Run"/>).</summary>
    public async Task<RunRecord> SubmitAsync(AdaptationRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Project))
            throw new InvalidRequestException("Field 'project' is required: the project whose data to adapt to (also its model's name).");
        try
        {
            ProjectNames.Validate(request.Project);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidRequestException($"Field 'project' is invalid: {ex.Message}.", ex);
        }

        var runId = string.IsNullOrEmpty(idempotencyKey) ? null : idempotencyKey;
        if (runId is not null && !IsValidRunId(runId))
            throw new InvalidRequestException($"Header '{ApiRoutes.IdempotencyHeader}' is '{runId}': it becomes the run id, so use 1-100 letters, digits, '.', '_' or '-', not starting with '.'.");
        return await service.SubmitAsync(request with { RequestedBy = request.RequestedBy ?? "http api" }, runId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/adaptations</c>.</summary>
    public IAsyncEnumerable<RunRecord> ListRunsAsync(CancellationToken cancellationToken) => service.ListRunsAsync(cancellationToken);

    /// <summary><c>GET /api/adaptations/{id}</c>.</summary>
    public async Task<RunRecord> GetRunAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsValidRunId(id))
            throw new InvalidRequestException($"Run id '{id}' is malformed: run ids are 1-100 letters, digits, '.', '_' or '-', not starting with '.'.");
        return await service.GetRunAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(id);
    }

    /// <summary><c>POST /api/adaptations/{id}/approve</c> (202).</summary>
    public async Task<RunRecord> ApproveAsync(string id, ApprovalBody? body, CancellationToken cancellationToken)
    {
        await RequireUnfinishedAsync(id, "approve", cancellationToken).ConfigureAwait(false);
        await service.ApproveAsync(id, body?.By ?? "http api", cancellationToken).ConfigureAwait(false);
        return await GetRunAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST /api/adaptations/{id}/reject</c> (202).</summary>
    public async Task<RunRecord> RejectAsync(string id, RejectionBody? body, CancellationToken cancellationToken)
    {
        await RequireUnfinishedAsync(id, "reject", cancellationToken).ConfigureAwait(false);
        await service.RejectAsync(id, body?.By ?? "http api", body?.Reason, cancellationToken).ConfigureAwait(false);
        return await GetRunAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST /api/adaptations/{id}/cancel</c>.</summary>
    public async Task<RunRecord> CancelAsync(string id, CancellationBody? body, CancellationToken cancellationToken)
    {
        await RequireUnfinishedAsync(id, "cancel", cancellationToken).ConfigureAwait(false);
        return await service.CancelAsync(id, body?.Reason ?? "canceled over the HTTP API", cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/models</c>.</summary>
    public IAsyncEnumerable<string> ListModelsAsync(CancellationToken cancellationToken) => service.ListModelsAsync(cancellationToken);

    /// <summary><c>GET /api/models/{name}</c>.</summary>
    public async Task<ModelSummary> GetModelAsync(string name, CancellationToken cancellationToken)
    {
        if (!ModelKeys.IsValidName(name))
            throw new InvalidRequestException($"Model name '{name}' is malformed: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.");
        return await service.GetModelAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"No model '{name}' is registered (no models/{name}/ in the store).");
    }

    /// <summary><c>POST /api/models/{name}/rollback</c>.</summary>
    public async Task<ChampionAlias> RollbackAsync(string name, RollbackBody? body, CancellationToken cancellationToken)
    {
        if (body?.Version is < 1) throw new InvalidRequestException($"Field 'version' is {body.Version}: model versions start at 1.");
        await GetModelAsync(name, cancellationToken).ConfigureAwait(false);
        var result = await service.RollbackAsync(name, body?.Version, body?.Reason ?? "rolled back over the HTTP API", cancellationToken).ConfigureAwait(false);
        return result is { Moved: true, Current: { } alias }
            ? alias.Value
            : throw new ConflictException($"Model '{name}' was not rolled back: its champion changed meanwhile (now v{result.Current?.Value.Version}); look again and retry.");
    }

    private async Task RequireUnfinishedAsync(string id, string action, CancellationToken cancellationToken)
    {
        var run = await GetRunAsync(id, cancellationToken).ConfigureAwait(false);
        if (run.IsTerminal) throw new ConflictException($"Run '{id}' is {run.Status}; there is nothing left to {action}.");
    }

    private static bool IsValidRunId(string id)
    {
        try
        {
            RunKeys.ValidateInstanceId(id);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;

namespace TransferFunctions.Cli.Serve;

/// <summary>
/// <c>/api/adaptations</c>: submit, list, show, approve, reject and cancel runs. Each handler only
/// translates HTTP to an <see cref="IAdaptationService"/> call and back.
/// </summary>
public static class AdaptationEndpoints
{
    public const string Route = "/api/adaptations";

    /// <summary>A client-chosen run id; submitting twice with the same key creates one run.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route);
        group.MapPost("", SubmitAsync);
        group.MapGet("", (IAdaptationService service, CancellationToken ct) => ApiJson.Ok(service.ListRunsAsync(ct)));
        group.MapGet("/{id}", async (string id, IAdaptationService service, CancellationToken ct) => ApiJson.Ok(await RequireRunAsync(service, id, ct)));
        group.MapPost("/{id}/approve", ApproveAsync);
        group.MapPost("/{id}/reject", RejectAsync);
        group.MapPost("/{id}/cancel", CancelAsync);
    }

    private static async Task<IResult> SubmitAsync(HttpRequest http, IAdaptationService service, CancellationToken ct)
    {
        var request = await JsonBody.ReadRequiredAsync<AdaptationRequest>(http, ct);
        if (string.IsNullOrWhiteSpace(request.Project))
        {
            throw new BadRequestException("Field 'project' is required: the project whose data to adapt to (also its model's name).");
        }

        try
        {
            ProjectNames.Validate(request.Project);
        }
        catch (ArgumentException ex)
        {
            throw new BadRequestException($"Field 'project' is invalid: {ex.Message}.", ex);
        }

        var runId = http.Headers[IdempotencyHeader].ToString();
        if (runId.Length > 0 && !IsValidRunId(runId))
        {
            throw new BadRequestException($"Header '{IdempotencyHeader}' is '{runId}': it becomes the run id, so use 1-100 letters, digits, '.', '_' or '-', not starting with '.'.");
        }

        var run = await service.SubmitAsync(request with { RequestedBy = request.RequestedBy ?? "http api" }, runId.Length > 0 ? runId : null, ct);
        return ApiJson.Accepted($"{Route}/{run.InstanceId}", run);
    }

    private static async Task<IResult> ApproveAsync(string id, HttpRequest http, IAdaptationService service, CancellationToken ct)
    {
        var body = await JsonBody.ReadOptionalAsync<ApprovalBody>(http, ct) ?? new ApprovalBody();
        await RequireUnfinishedRunAsync(service, id, "approve", ct);
        await service.ApproveAsync(id, body.By ?? "http api", ct);
        return ApiJson.Accepted($"{Route}/{id}", await RequireRunAsync(service, id, ct));
    }

    private static async Task<IResult> RejectAsync(string id, HttpRequest http, IAdaptationService service, CancellationToken ct)
    {
        var body = await JsonBody.ReadOptionalAsync<RejectionBody>(http, ct) ?? new RejectionBody();
        await RequireUnfinishedRunAsync(service, id, "reject", ct);
        await service.RejectAsync(id, body.By ?? "http api", body.Reason, ct);
        return ApiJson.Accepted($"{Route}/{id}", await RequireRunAsync(service, id, ct));
    }

    private static async Task<IResult> CancelAsync(string id, HttpRequest http, IAdaptationService service, CancellationToken ct)
    {
        var body = await JsonBody.ReadOptionalAsync<CancellationBody>(http, ct) ?? new CancellationBody();
        await RequireUnfinishedRunAsync(service, id, "cancel", ct);
        return ApiJson.Ok(await service.CancelAsync(id, body.Reason ?? "canceled over the HTTP API", ct));
    }

    private static async Task<RunRecord> RequireRunAsync(IAdaptationService service, string id, CancellationToken ct)
    {
        if (!IsValidRunId(id))
        {
            throw new BadRequestException($"Run id '{id}' is malformed: run ids are 1-100 letters, digits, '.', '_' or '-', not starting with '.'.");
        }

        return await service.GetRunAsync(id, ct) ?? throw new RunNotFoundException(id);
    }

    private static async Task RequireUnfinishedRunAsync(IAdaptationService service, string id, string action, CancellationToken ct)
    {
        var run = await RequireRunAsync(service, id, ct);
        if (run.IsTerminal)
        {
            throw new InvalidOperationException($"Run '{id}' is {run.Status}; there is nothing left to {action}.");
        }
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

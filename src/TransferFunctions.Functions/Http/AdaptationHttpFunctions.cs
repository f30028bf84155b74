using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using TransferFunctions.Functions.Runs;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;

namespace TransferFunctions.Functions.Http;

/// <summary>
/// <c>/api/adaptations</c> on Durable Functions, route for route and shape for shape as <c>transfer serve</c>:
/// submit, list, show, approve, reject and cancel runs. Each function only translates HTTP to an
/// <see cref="IAdaptationService"/> call and back. Keys: <see cref="AuthorizationLevel.Function"/> (see the README).
/// </summary>
public sealed class AdaptationHttpFunctions(DurableAdaptationServices services, ILogger<AdaptationHttpFunctions> logger)
{
    public const string Route = "/api/adaptations";

    /// <summary>A client-chosen run id; submitting twice with the same key creates one run.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    [Function("Adaptations_Submit")]
    public Task<HttpResponseData> SubmitAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "adaptations")] HttpRequestData request,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, async () =>
        {
            var body = await RequestBodies.ReadRequiredAsync<AdaptationRequest>(request, cancellationToken);
            if (string.IsNullOrWhiteSpace(body.Project))
                throw new BadRequestException("Field 'project' is required: the project whose data to adapt to (also its model's name).");
            try
            {
                ProjectNames.Validate(body.Project);
            }
            catch (ArgumentException ex)
            {
                throw new BadRequestException($"Field 'project' is invalid: {ex.Message}.", ex);
            }

            var runId = request.Headers.TryGetValues(IdempotencyHeader, out var values) ? string.Join(",", values) : "";
            if (runId.Length > 0 && !IsValidRunId(runId))
                throw new BadRequestException($"Header '{IdempotencyHeader}' is '{runId}': it becomes the run id, so use 1-100 letters, digits, '.', '_' or '-', not starting with '.'.");

            var run = await services.For(client).SubmitAsync(body with { RequestedBy = body.RequestedBy ?? "http api" }, runId.Length > 0 ? runId : null, cancellationToken);
            return await ApiResponses.AcceptedAsync(request, $"{Route}/{run.InstanceId}", run, cancellationToken);
        }, cancellationToken);

    [Function("Adaptations_List")]
    public Task<HttpResponseData> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "adaptations")] HttpRequestData request,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, () => ApiResponses.OkAsync(request, services.For(client).ListRunsAsync(cancellationToken), cancellationToken), cancellationToken);

    [Function("Adaptations_Get")]
    public Task<HttpResponseData> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "adaptations/{id}")] HttpRequestData request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, async () =>
            await ApiResponses.OkAsync(request, await RequireRunAsync(services.For(client), id, cancellationToken), cancellationToken), cancellationToken);

    [Function("Adaptations_Approve")]
    public Task<HttpResponseData> ApproveAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "adaptations/{id}/approve")] HttpRequestData request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, async () =>
        {
            var body = await RequestBodies.ReadOptionalAsync<ApprovalBody>(request, cancellationToken) ?? new ApprovalBody();
            var service = services.For(client);
            await RequireUnfinishedRunAsync(service, id, "approve", cancellationToken);
            await service.ApproveAsync(id, body.By ?? "http api", cancellationToken);
            return await ApiResponses.AcceptedAsync(request, $"{Route}/{id}", await RequireRunAsync(service, id, cancellationToken), cancellationToken);
        }, cancellationToken);

    [Function("Adaptations_Reject")]
    public Task<HttpResponseData> RejectAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "adaptations/{id}/reject")] HttpRequestData request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, async () =>
        {
            var body = await RequestBodies.ReadOptionalAsync<RejectionBody>(request, cancellationToken) ?? new RejectionBody();
            var service = services.For(client);
            await RequireUnfinishedRunAsync(service, id, "reject", cancellationToken);
            await service.RejectAsync(id, body.By ?? "http api", body.Reason, cancellationToken);
            return await ApiResponses.AcceptedAsync(request, $"{Route}/{id}", await RequireRunAsync(service, id, cancellationToken), cancellationToken);
        }, cancellationToken);

    [Function("Adaptations_Cancel")]
    public Task<HttpResponseData> CancelAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "adaptations/{id}/cancel")] HttpRequestData request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, async () =>
        {
            var body = await RequestBodies.ReadOptionalAsync<CancellationBody>(request, cancellationToken) ?? new CancellationBody();
            var service = services.For(client);
            await RequireUnfinishedRunAsync(service, id, "cancel", cancellationToken);
            return await ApiResponses.OkAsync(request, await service.CancelAsync(id, body.Reason ?? "canceled over the HTTP API", cancellationToken), cancellationToken);
        }, cancellationToken);

    private static async Task<RunRecord> RequireRunAsync(IAdaptationService service, string id, CancellationToken cancellationToken)
    {
        if (!IsValidRunId(id))
            throw new BadRequestException($"Run id '{id}' is malformed: run ids are 1-100 letters, digits, '.', '_' or '-', not starting with '.'.");
        return await service.GetRunAsync(id, cancellationToken) ?? throw new RunNotFoundException(id);
    }

    private static async Task RequireUnfinishedRunAsync(IAdaptationService service, string id, string action, CancellationToken cancellationToken)
    {
        var run = await RequireRunAsync(service, id, cancellationToken);
        if (run.IsTerminal) throw new InvalidOperationException($"Run '{id}' is {run.Status}; there is nothing left to {action}.");
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

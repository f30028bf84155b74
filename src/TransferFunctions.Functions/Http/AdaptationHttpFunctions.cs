using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using TransferFunctions.Functions.Runs;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Service;

namespace TransferFunctions.Functions.Http;

/// <summary>
/// <c>/api/adaptations</c> on Durable Functions, route for route and shape for shape as <c>transfer serve</c>:
/// submit, list, show, approve, reject and cancel runs. Each function reads the body and route values, calls the core's
/// host-neutral <see cref="AdaptationApi"/> (the one <c>transfer serve</c> calls) over this app's Durable service, and
/// writes the result. Keys: <see cref="AuthorizationLevel.Function"/> (see the README).
/// </summary>
public sealed class AdaptationHttpFunctions(DurableAdaptationServices services, ILogger<AdaptationHttpFunctions> logger)
{
    public const string Route = ApiRoutes.Adaptations;

    /// <summary>A client-chosen run id; submitting twice with the same key creates one run.</summary>
    public const string IdempotencyHeader = ApiRoutes.IdempotencyHeader;

    [Function("Adaptations_Submit")]
    public Task<HttpResponseData> SubmitAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "adaptations")] HttpRequestData request,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, async () =>
        {
            var body = await ApiBodies.ReadRequiredAsync<AdaptationRequest>(request.Body, cancellationToken);
            var key = request.Headers.TryGetValues(IdempotencyHeader, out var values) ? string.Join(",", values) : null;
            var run = await services.ApiFor(client).SubmitAsync(body, key, cancellationToken);
            return await ApiResponses.AcceptedAsync(request, ApiRoutes.Run(run.InstanceId), run, cancellationToken);
        }, cancellationToken);

    [Function("Adaptations_List")]
    public Task<HttpResponseData> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "adaptations")] HttpRequestData request,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, () => ApiResponses.OkAsync(request, services.ApiFor(client).ListRunsAsync(cancellationToken), cancellationToken), cancellationToken);

    [Function("Adaptations_Get")]
    public Task<HttpResponseData> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "adaptations/{id}")] HttpRequestData request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, async () =>
            await ApiResponses.OkAsync(request, await services.ApiFor(client).GetRunAsync(id, cancellationToken), cancellationToken), cancellationToken);

    [Function("Adaptations_Approve")]
    public Task<HttpResponseData> ApproveAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "adaptations/{id}/approve")] HttpRequestData request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleWithBodyAsync<ApprovalBody>(request, logger, async body =>
            await ApiResponses.AcceptedAsync(request, ApiRoutes.Run(id), await services.ApiFor(client).ApproveAsync(id, body, cancellationToken), cancellationToken), cancellationToken);

    [Function("Adaptations_Reject")]
    public Task<HttpResponseData> RejectAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "adaptations/{id}/reject")] HttpRequestData request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleWithBodyAsync<RejectionBody>(request, logger, async body =>
            await ApiResponses.AcceptedAsync(request, ApiRoutes.Run(id), await services.ApiFor(client).RejectAsync(id, body, cancellationToken), cancellationToken), cancellationToken);

    [Function("Adaptations_Cancel")]
    public Task<HttpResponseData> CancelAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "adaptations/{id}/cancel")] HttpRequestData request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleWithBodyAsync<CancellationBody>(request, logger, async body =>
            await ApiResponses.OkAsync(request, await services.ApiFor(client).CancelAsync(id, body, cancellationToken), cancellationToken), cancellationToken);
}

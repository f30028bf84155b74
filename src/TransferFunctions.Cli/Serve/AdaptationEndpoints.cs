using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Service;

namespace TransferFunctions.Cli.Serve;

/// <summary>
/// <c>/api/adaptations</c>: submit, list, show, approve, reject and cancel runs. Each handler reads the body and
/// delegates to the host-neutral <see cref="AdaptationApi"/> the Functions app shares.
/// </summary>
public static class AdaptationEndpoints
{
    public const string Route = ApiRoutes.Adaptations;

    public const string IdempotencyHeader = ApiRoutes.IdempotencyHeader;

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route);
        group.MapPost("", async (HttpRequest http, AdaptationApi api, CancellationToken ct) =>
        {
            var run = await api.SubmitAsync(await ApiBodies.ReadRequiredAsync<AdaptationRequest>(http.Body, ct), http.Headers[IdempotencyHeader].ToString(), ct);
            return ApiJson.Accepted(ApiRoutes.Run(run.InstanceId), run);
        });
        group.MapGet("", (AdaptationApi api, CancellationToken ct) => ApiJson.Ok(api.ListRunsAsync(ct)));
        group.MapGet("/{id}", async (string id, AdaptationApi api, CancellationToken ct) => ApiJson.Ok(await api.GetRunAsync(id, ct)));
        group.MapPost("/{id}/approve", async (string id, HttpRequest http, AdaptationApi api, CancellationToken ct) =>
            ApiJson.Accepted(ApiRoutes.Run(id), await api.ApproveAsync(id, await ApiBodies.ReadOptionalAsync<ApprovalBody>(http.Body, ct), ct)));
        group.MapPost("/{id}/reject", async (string id, HttpRequest http, AdaptationApi api, CancellationToken ct) =>
            ApiJson.Accepted(ApiRoutes.Run(id), await api.RejectAsync(id, await ApiBodies.ReadOptionalAsync<RejectionBody>(http.Body, ct), ct)));
        group.MapPost("/{id}/cancel", async (string id, HttpRequest http, AdaptationApi api, CancellationToken ct) =>
            ApiJson.Ok(await api.CancelAsync(id, await ApiBodies.ReadOptionalAsync<CancellationBody>(http.Body, ct), ct)));
    }
}

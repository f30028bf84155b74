using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TransferFunctions.Pipeline.Api;

namespace TransferFunctions.Cli.Serve;

/// <summary><c>/api/models</c>: list, show (versions, champion and its history) and roll back the champion, through <see cref="AdaptationApi"/>.</summary>
public static class ModelEndpoints
{
    public const string Route = ApiRoutes.Models;

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route);
        group.MapGet("", (AdaptationApi api, CancellationToken ct) => ApiJson.Ok(api.ListModelsAsync(ct)));
        group.MapGet("/{name}", async (string name, AdaptationApi api, CancellationToken ct) => ApiJson.Ok(await api.GetModelAsync(name, ct)));
        group.MapPost("/{name}/rollback", async (string name, HttpRequest http, AdaptationApi api, CancellationToken ct) =>
            ApiJson.Ok(await api.RollbackAsync(name, await ApiBodies.ReadOptionalAsync<RollbackBody>(http.Body, ct), ct)));
    }
}

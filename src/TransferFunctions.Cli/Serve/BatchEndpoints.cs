using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TransferFunctions.Pipeline.Api;

namespace TransferFunctions.Cli.Serve;

/// <summary><c>/api/projects/{project}/batches</c>: list excluded batches, exclude (quarantine) and include a batch, through <see cref="BatchesApi"/>.</summary>
public static class BatchEndpoints
{
    public const string Route = ApiRoutes.Projects + "/{project}/batches";

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route);
        group.MapGet("/excluded", async (string project, BatchesApi api, CancellationToken ct) => ApiJson.Ok(await api.ListExcludedAsync(project, ct)));
        group.MapPost("/{batch}/exclude", async (string project, string batch, HttpRequest http, BatchesApi api, CancellationToken ct) =>
            ApiJson.Ok(await api.ExcludeAsync(project, batch, await ApiBodies.ReadOptionalAsync<ExclusionBody>(http.Body, ct), ct)));
        group.MapPost("/{batch}/include", async (string project, string batch, BatchesApi api, CancellationToken ct) =>
            ApiJson.Ok(new { project, batch, included = await api.IncludeAsync(project, batch, ct) }));
    }
}

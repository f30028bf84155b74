using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;

namespace TransferFunctions.Cli.Serve;

/// <summary><c>/api/models</c>: list, show (versions, champion and its history) and roll back the champion.</summary>
public static class ModelEndpoints
{
    public const string Route = "/api/models";

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route);
        group.MapGet("", (IAdaptationService service, CancellationToken ct) => ApiJson.Ok(service.ListModelsAsync(ct)));
        group.MapGet("/{name}", async (string name, IAdaptationService service, CancellationToken ct) => ApiJson.Ok(await RequireModelAsync(service, name, ct)));
        group.MapPost("/{name}/rollback", RollbackAsync);
    }

    private static async Task<IResult> RollbackAsync(string name, HttpRequest http, IAdaptationService service, CancellationToken ct)
    {
        var body = await JsonBody.ReadOptionalAsync<RollbackBody>(http, ct) ?? new RollbackBody();
        if (body.Version is < 1)
        {
            throw new BadRequestException($"Field 'version' is {body.Version}: model versions start at 1.");
        }

        await RequireModelAsync(service, name, ct);
        var result = await service.RollbackAsync(name, body.Version, body.Reason ?? "rolled back over the HTTP API", ct);
        return result is { Moved: true, Current: { } alias }
            ? ApiJson.Ok(alias.Value)
            : throw new InvalidOperationException($"Model '{name}' was not rolled back: its champion changed meanwhile (now v{result.Current?.Value.Version}); look again and retry.");
    }

    private static async Task<ModelSummary> RequireModelAsync(IAdaptationService service, string name, CancellationToken ct)
    {
        if (!ModelKeys.IsValidName(name))
        {
            throw new BadRequestException($"Model name '{name}' is malformed: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        return await service.GetModelAsync(name, ct)
            ?? throw new KeyNotFoundException($"No model '{name}' is registered (no models/{name}/ in the store).");
    }
}

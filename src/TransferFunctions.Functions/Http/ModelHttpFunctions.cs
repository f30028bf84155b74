using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using TransferFunctions.Functions.Runs;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;

namespace TransferFunctions.Functions.Http;

/// <summary><c>/api/models</c>: list, show (versions, champion and its history) and roll back the champion, as <c>transfer serve</c>.</summary>
public sealed class ModelHttpFunctions(DurableAdaptationServices services, ILogger<ModelHttpFunctions> logger)
{
    [Function("Models_List")]
    public Task<HttpResponseData> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models")] HttpRequestData request,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, () => ApiResponses.OkAsync(request, services.For(client).ListModelsAsync(cancellationToken), cancellationToken), cancellationToken);

    [Function("Models_Get")]
    public Task<HttpResponseData> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{name}")] HttpRequestData request, string name,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, async () =>
            await ApiResponses.OkAsync(request, await RequireModelAsync(services.For(client), name, cancellationToken), cancellationToken), cancellationToken);

    [Function("Models_Rollback")]
    public Task<HttpResponseData> RollbackAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{name}/rollback")] HttpRequestData request, string name,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, async () =>
        {
            var body = await RequestBodies.ReadOptionalAsync<RollbackBody>(request, cancellationToken) ?? new RollbackBody();
            if (body.Version is < 1) throw new BadRequestException($"Field 'version' is {body.Version}: model versions start at 1.");
            var service = services.For(client);
            await RequireModelAsync(service, name, cancellationToken);
            var result = await service.RollbackAsync(name, body.Version, body.Reason ?? "rolled back over the HTTP API", cancellationToken);
            return result is { Moved: true, Current: { } alias }
                ? await ApiResponses.OkAsync(request, alias.Value, cancellationToken)
                : throw new InvalidOperationException($"Model '{name}' was not rolled back: its champion changed meanwhile (now v{result.Current?.Value.Version}); look again and retry.");
        }, cancellationToken);

    private static async Task<ModelSummary> RequireModelAsync(IAdaptationService service, string name, CancellationToken cancellationToken)
    {
        if (!ModelKeys.IsValidName(name))
            throw new BadRequestException($"Model name '{name}' is malformed: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.");
        return await service.GetModelAsync(name, cancellationToken)
            ?? throw new KeyNotFoundException($"No model '{name}' is registered (no models/{name}/ in the store).");
    }
}

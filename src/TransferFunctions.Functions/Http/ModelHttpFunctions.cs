using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using TransferFunctions.Functions.Runs;
using TransferFunctions.Pipeline.Api;

namespace TransferFunctions.Functions.Http;

/// <summary>
/// <c>/api/models</c>: list, show (versions, champion and its history) and roll back the champion, through the core's
/// <see cref="AdaptationApi"/>, as <c>transfer serve</c>.
/// </summary>
public sealed class ModelHttpFunctions(DurableAdaptationServices services, ILogger<ModelHttpFunctions> logger)
{
    public const string Route = ApiRoutes.Models;

    [Function("Models_List")]
    public Task<HttpResponseData> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models")] HttpRequestData request,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, () => ApiResponses.OkAsync(request, services.ApiFor(client).ListModelsAsync(cancellationToken), cancellationToken), cancellationToken);

    [Function("Models_Get")]
    public Task<HttpResponseData> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{name}")] HttpRequestData request, string name,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleAsync(request, logger, async () =>
            await ApiResponses.OkAsync(request, await services.ApiFor(client).GetModelAsync(name, cancellationToken), cancellationToken), cancellationToken);

    [Function("Models_Rollback")]
    public Task<HttpResponseData> RollbackAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{name}/rollback")] HttpRequestData request, string name,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        ApiProblems.HandleWithBodyAsync<RollbackBody>(request, logger, async body =>
            await ApiResponses.OkAsync(request, await services.ApiFor(client).RollbackAsync(name, body, cancellationToken), cancellationToken), cancellationToken);
}

using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using TransferFunctions.Pipeline.Api;

namespace TransferFunctions.Functions.Http;

/// <summary>
/// <c>GET /api/health</c>: the core's <see cref="HealthProbe"/> (is the store reachable, how fast), 200 when healthy and
/// 503 when not, as <c>transfer serve</c>'s <c>/health</c>. Anonymous, like the local host's, for platform health checks;
/// it reveals no data. There is no scheduler section: Durable Functions schedules the runs.
/// </summary>
public sealed class HealthHttpFunctions(HealthProbe probe)
{
    [Function("Health")]
    public async Task<HttpResponseData> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequestData request, CancellationToken cancellationToken)
    {
        var health = await probe.CheckAsync(cancellationToken);
        return await ApiResponses.JsonAsync(request, health.Status == "ok" ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, health, null, cancellationToken);
    }
}

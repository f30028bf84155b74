namespace TransferFunctions.Pipeline.Api;

/// <summary>What <c>GET /health</c> says: overall status, the store's reachability and latency, and the scheduler's load.</summary>
/// <param name="Status"><c>ok</c>, or <c>unhealthy</c> when the store cannot be read.</param>
/// <param name="Store">The store check.</param>
/// <param name="Scheduler">Runs executing, queued and parked; null on a host that schedules elsewhere (Durable Functions).</param>
public sealed record HealthReport(string Status, StoreHealth Store, SchedulerHealth? Scheduler);

/// <param name="Kind">Store kind (<c>filesystem</c>, <c>azure-blob</c>).</param>
/// <param name="Reachable">A read of the store succeeded.</param>
/// <param name="LatencyMs">How long that read took.</param>
/// <param name="Error">Why it failed, when it did (the exception type and message).</param>
public sealed record StoreHealth(string Kind, bool Reachable, double LatencyMs, string? Error);

/// <param name="MaxConcurrentRuns">Slots.</param>
/// <param name="Running">Runs executing now.</param>
/// <param name="Queued">Runs waiting for a slot or for their project.</param>
/// <param name="Parked">Runs waiting for an event (approval) or a deadline, holding nothing.</param>
public sealed record SchedulerHealth(int MaxConcurrentRuns, int Running, int Queued, int Parked);

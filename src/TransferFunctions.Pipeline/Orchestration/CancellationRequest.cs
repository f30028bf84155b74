namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>A request to cancel a run (<c>runs/{id}/cancel.json</c>), honoured by whichever runner executes it.</summary>
public sealed record CancellationRequest(string Reason, DateTimeOffset RequestedAt);

using System.Text.Json;

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>An event raised for a run, kept in its inbox (<c>runs/{id}/events/</c>) until an orchestrator consumes it.</summary>
public sealed record RunEvent(string Name, JsonElement Payload, DateTimeOffset RaisedAt);

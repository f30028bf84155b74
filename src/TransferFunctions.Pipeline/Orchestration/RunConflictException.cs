namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>Another runner holds the run's lease or wrote its journal in the meantime; this runner must not continue.</summary>
public sealed class RunConflictException(string instanceId, string message) : Exception($"Run '{instanceId}': {message}")
{
    public string InstanceId { get; } = instanceId;
}

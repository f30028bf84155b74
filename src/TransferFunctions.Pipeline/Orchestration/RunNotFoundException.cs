namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>No run record exists for the instance id.</summary>
public sealed class RunNotFoundException(string instanceId)
    : KeyNotFoundException($"No run '{instanceId}' exists (no runs/{instanceId}/run.json in the store).")
{
    public string InstanceId { get; } = instanceId;
}

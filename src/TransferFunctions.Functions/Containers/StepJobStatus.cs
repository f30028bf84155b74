namespace TransferFunctions.Functions.Containers;

/// <summary>A step execution's state, with the platform's reason when it did not succeed.</summary>
public sealed record StepJobStatus(StepJobState State, string? Detail = null)
{
    public bool IsTerminal => State is StepJobState.Succeeded or StepJobState.Failed or StepJobState.Stopped;
}

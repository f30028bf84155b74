namespace TransferFunctions.Functions.Containers;

/// <summary>Where a step execution is.</summary>
public enum StepJobState
{
    /// <summary>Accepted, not running yet (e.g. waiting for a GPU).</summary>
    Pending,
    Running,
    Succeeded,
    Failed,

    /// <summary>Stopped before it ended (by a cancel or a timeout).</summary>
    Stopped,
}

namespace TransferFunctions.Azure.Jobs;

/// <summary>One observation of a container step execution.</summary>
/// <param name="ExecutionName">The execution observed.</param>
/// <param name="State">What the orchestration acts on.</param>
/// <param name="ServiceStatus">The service's own word for it (Container Apps: Running, Processing, Succeeded, ...).</param>
/// <param name="Message">A sentence for logs and run reports.</param>
/// <param name="StartTime">When the execution started, when known.</param>
/// <param name="EndTime">When it ended, when it has.</param>
public sealed record ContainerStepStatus(
    string ExecutionName,
    ContainerStepState State,
    string ServiceStatus,
    string Message,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime)
{
    /// <summary>True once the execution has finished, one way or another.</summary>
    public bool IsFinished => State != ContainerStepState.Running;
}

namespace TransferFunctions.Azure.Jobs;

/// <summary>The states of a container step execution that an orchestration acts on.</summary>
public enum ContainerStepState
{
    /// <summary>Starting or running (Container Apps: Running, Processing, Unknown, or a state newer than this code).</summary>
    Running,

    /// <summary>Finished and exited 0: the output document is in the store.</summary>
    Succeeded,

    /// <summary>Finished unsuccessfully (Container Apps: Failed or Degraded).</summary>
    Failed,

    /// <summary>Stopped before finishing (by <see cref="IContainerStepLauncher.StopAsync"/> or by an operator).</summary>
    Stopped,
}

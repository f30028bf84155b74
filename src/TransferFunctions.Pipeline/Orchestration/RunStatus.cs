namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>Where a run is in its life.</summary>
public enum RunStatus
{
    /// <summary>Created; no runner has picked it up yet.</summary>
    Pending,

    /// <summary>A runner is executing it (or was, and crashed: it resumes when a runner starts it again).</summary>
    Running,

    /// <summary>Only waiting for an external event (e.g. human approval).</summary>
    WaitingForEvent,

    Completed,
    Failed,
    Canceled,
}

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>What a journal entry records.</summary>
public enum JournalEntryKind
{
    StepCompleted,
    StepFailed,
    EventReceived,
    EventTimedOut,
    TimerFired,

    /// <summary>A read of <see cref="IOrchestrationContext.CurrentUtcDateTime"/>; the value is <see cref="JournalEntry.RecordedAt"/>.</summary>
    ClockRead,
}

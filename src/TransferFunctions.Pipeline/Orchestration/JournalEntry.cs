using System.Text.Json;

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>One completed nondeterministic operation of a run, in the order it completed.</summary>
/// <param name="Sequence">The position at which the orchestrator issued the operation (its n-th call).</param>
/// <param name="Kind">What happened.</param>
/// <param name="Name">Step or event name; "timer" or "clock" for those.</param>
/// <param name="RecordedAt">When it completed (for a clock read: the value read).</param>
/// <param name="Input">A step's input document.</param>
/// <param name="Output">A step's result or an event's payload.</param>
/// <param name="Failure">A step's failure.</param>
/// <param name="StartedAt">When a step started executing.</param>
/// <param name="FireAt">A timer's due time.</param>
/// <param name="EventKey">The store key of the consumed event, so it is never delivered twice.</param>
public sealed record JournalEntry(
    int Sequence,
    JournalEntryKind Kind,
    string Name,
    DateTimeOffset RecordedAt,
    JsonElement? Input = null,
    JsonElement? Output = null,
    FailureDetails? Failure = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FireAt = null,
    string? EventKey = null);

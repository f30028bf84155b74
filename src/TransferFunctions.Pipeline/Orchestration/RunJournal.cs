namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>The replay history of one run (<c>runs/{id}/journal</c>), rewritten whole by compare-and-swap.</summary>
/// <param name="InstanceId">The run.</param>
/// <param name="Entries">Completed operations, in completion order.</param>
/// <param name="CodeVersion">The version of the code that started the journal; null in journals of versions before it was recorded.</param>
public sealed record RunJournal(string InstanceId, IReadOnlyList<JournalEntry> Entries, string? CodeVersion = null);

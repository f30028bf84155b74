namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>The replay history of one run (<c>runs/{id}/journal</c>), rewritten whole by compare-and-swap.</summary>
public sealed record RunJournal(string InstanceId, IReadOnlyList<JournalEntry> Entries);

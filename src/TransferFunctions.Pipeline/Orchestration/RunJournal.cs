namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>
/// The replay history of one run: the concatenation of its append-only segments (<see cref="RunJournalSegment"/>,
/// <c>runs/{id}/journal/{first:D8}.json</c>). It is also the format of the single document versions before segments
/// rewrote whole by compare-and-swap (<c>runs/{id}/journal</c>, <see cref="RunKeys.LegacyJournal"/>), still read.
/// </summary>
/// <param name="InstanceId">The run.</param>
/// <param name="Entries">Completed operations, in completion order.</param>
/// <param name="CodeVersion">The version of the code that started the journal; null in journals of versions before it was recorded.</param>
public sealed record RunJournal(string InstanceId, IReadOnlyList<JournalEntry> Entries, string? CodeVersion = null);

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>
/// One persist of a run's journal (<c>runs/{id}/journal/{first:D8}.json</c>): the entries completed since the previous
/// segment. Written once, create-only, never rewritten; the journal is the concatenation of its segments in position order.
/// </summary>
/// <param name="InstanceId">The run.</param>
/// <param name="FirstEntry">The 0-based position in the journal of <paramref name="Entries"/>' first entry (the number in the key).</param>
/// <param name="Entries">The new entries, in completion order; never empty.</param>
/// <param name="CodeVersion">The version of the code that wrote this segment (the first segment's is the journal's).</param>
public sealed record RunJournalSegment(string InstanceId, int FirstEntry, IReadOnlyList<JournalEntry> Entries, string? CodeVersion);

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>A run's journal as read, with what the next persist needs.</summary>
/// <param name="Journal">The entries, in journal order, and the version that started the journal.</param>
/// <param name="LegacyETag">The ETag of an older version's single document, which this run keeps rewriting; null for a segmented journal.</param>
internal sealed record StoredJournal(RunJournal Journal, string? LegacyETag);

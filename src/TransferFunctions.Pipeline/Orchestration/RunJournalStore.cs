using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>
/// A run's journal in the store: appended one create-only segment per persist (<see cref="RunJournalSegment"/>), read
/// back as their concatenation. A run that an older version started keeps its single rewritten document
/// (<see cref="RunKeys.LegacyJournal"/>) until it ends: the filesystem store cannot hold a file <c>journal</c> and a
/// folder <c>journal/</c> side by side, and rewriting that run's history into segments is not worth a crash window.
/// </summary>
internal static class RunJournalStore
{
    /// <summary>
    /// The run's journal, or null before its first persist. Segments must tile the journal exactly: a gap, an overlap, a
    /// segment of another run, an operation journaled twice or an unreadable segment is an
    /// <see cref="InvalidDataException"/> naming the key (the run cannot be replayed safely), never a partial or doubled
    /// replay that would run a journaled step again.
    /// </summary>
    public static async Task<StoredJournal?> ReadAsync(IObjectStore store, string instanceId, CancellationToken cancellationToken)
    {
        var legacy = await store.ReadJsonAsync<RunJournal>(RunKeys.LegacyJournal(instanceId), cancellationToken).ConfigureAwait(false);
        var segmentKeys = new List<(int Position, string Key)>();
        await foreach (var item in store.ListAsync(RunKeys.JournalPrefix(instanceId), cancellationToken).ConfigureAwait(false))
        {
            // Anything else a person left in the folder holds no entries of this journal.
            if (RunKeys.JournalSegmentPosition(instanceId, item.Key) is { } position)
            {
                segmentKeys.Add((position, item.Key));
            }
        }

        var sequences = new HashSet<int>();
        if (legacy is not null)
        {
            if (segmentKeys.Count > 0)
            {
                throw new InvalidDataException(
                    $"Run '{instanceId}' has both an older version's journal document ({legacy.Key}) and journal segments ({RunKeys.JournalPrefix(instanceId)}); it cannot tell which to replay.");
            }

            CheckEntries(instanceId, legacy.Key, legacy.Value.InstanceId, legacy.Value.Entries, sequences);
            return new StoredJournal(legacy.Value, legacy.ETag);
        }

        if (segmentKeys.Count == 0)
        {
            return null;
        }

        // Key order is position order up to 10^8 entries; sorting by the number keeps it so beyond.
        segmentKeys.Sort((a, b) => a.Position.CompareTo(b.Position));
        var entries = new List<JournalEntry>();
        string? version = null;
        foreach (var (position, key) in segmentKeys)
        {
            var segment = (await store.ReadJsonAsync<RunJournalSegment>(key, cancellationToken).ConfigureAwait(false))?.Value
                ?? throw new InvalidDataException($"Journal segment {key} of run '{instanceId}' was deleted while the journal was read.");
            if (segment.FirstEntry != position)
            {
                throw new InvalidDataException($"Journal segment {key} of run '{instanceId}' says it starts at entry {segment.FirstEntry}, but its key says {position}.");
            }

            if (position != entries.Count)
            {
                throw new InvalidDataException(position < entries.Count
                    ? $"Journal segment {key} of run '{instanceId}' starts at entry {position}, inside the segment before it (the journal has {entries.Count} entries up to there)."
                    : $"Run '{instanceId}' misses journal entries {entries.Count} to {position - 1}: no segment holds them before {key}.");
            }

            CheckEntries(instanceId, key, segment.InstanceId, segment.Entries, sequences);
            if (segment.Entries.Count == 0)
            {
                throw new InvalidDataException($"Journal segment {key} of run '{instanceId}' holds no entries.");
            }

            if (position == 0)
            {
                version = segment.CodeVersion;
            }

            entries.AddRange(segment.Entries);
        }

        return new StoredJournal(new RunJournal(instanceId, entries, version), null);
    }

    /// <summary>Writes <paramref name="entries"/> as the segment at <paramref name="firstEntry"/>; throws <see cref="PreconditionFailedException"/> when someone wrote it first.</summary>
    public static Task<StoredValue<RunJournalSegment>> AppendAsync(IObjectStore store, string instanceId, int firstEntry, IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(entries.Count);
        return store.WriteJsonAsync(
            RunKeys.JournalSegment(instanceId, firstEntry),
            new RunJournalSegment(instanceId, firstEntry, entries, Learning.CodeVersion.Current),
            WriteCondition.CreateOnly,
            cancellationToken);
    }

    private static void CheckEntries(string instanceId, string key, string? recordedInstanceId, IReadOnlyList<JournalEntry>? entries, HashSet<int> sequences)
    {
        if (recordedInstanceId != instanceId)
        {
            throw new InvalidDataException($"Journal document {key} belongs to run '{recordedInstanceId}', not '{instanceId}'.");
        }

        if (entries is null)
        {
            throw new InvalidDataException($"Journal document {key} of run '{instanceId}' has no entries list.");
        }

        foreach (var entry in entries)
        {
            // Every call the orchestrator makes has its own sequence number: a second answer for one is a copied segment.
            if (!sequences.Add(entry.Sequence))
            {
                throw new InvalidDataException($"Journal document {key} of run '{instanceId}' answers operation #{entry.Sequence} ({entry.Name}) a second time.");
            }
        }
    }
}

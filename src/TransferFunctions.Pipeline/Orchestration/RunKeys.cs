using System.Globalization;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>Where a run's documents live in the store (DESIGN.md's <c>runs/{run-id}/</c>).</summary>
public static class RunKeys
{
    public const string Root = "runs/";

    public static string Record(string instanceId) => Folder(instanceId) + "run.json";

    /// <summary>The folder of the run's append-only journal: one segment per persist (<see cref="JournalSegment"/>).</summary>
    public static string JournalPrefix(string instanceId) => Folder(instanceId) + "journal/";

    /// <summary>
    /// The journal segment whose first entry is the journal's <paramref name="firstEntry"/>-th (0-based): written once,
    /// create-only, so two runners cannot both append at the same position.
    /// </summary>
    public static string JournalSegment(string instanceId, int firstEntry)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstEntry);
        return JournalPrefix(instanceId) + firstEntry.ToString("D8", CultureInfo.InvariantCulture) + ".json";
    }

    /// <summary>
    /// The position a segment key names, or null when <paramref name="key"/> is not a segment of the run's journal
    /// (<c>{digits}.json</c> directly under <see cref="JournalPrefix"/>).
    /// </summary>
    public static int? JournalSegmentPosition(string instanceId, string key)
    {
        var prefix = JournalPrefix(instanceId);
        if (!key.StartsWith(prefix, StringComparison.Ordinal) || !key.EndsWith(".json", StringComparison.Ordinal))
        {
            return null;
        }

        var digits = key.AsSpan(prefix.Length, key.Length - prefix.Length - ".json".Length);
        return digits.Length >= 8 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : null;
    }

    /// <summary>
    /// The whole-journal document that versions before the append-only journal rewrote on every persist. Still read
    /// (and, for a run it started, still written) so such a run resumes; new runs never create it.
    /// </summary>
    public static string LegacyJournal(string instanceId) => Folder(instanceId) + "journal";

    /// <summary>The lease a runner holds while executing the run (no object lives there).</summary>
    public static string Lease(string instanceId) => Folder(instanceId) + "lease";

    public static string Cancellation(string instanceId) => Folder(instanceId) + "cancel.json";

    public static string EventsPrefix(string instanceId) => Folder(instanceId) + "events/";

    /// <summary>An inbox key that sorts by raise time.</summary>
    public static string NewEvent(string instanceId, DateTimeOffset raisedAt) =>
        EventsPrefix(instanceId) + raisedAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N") + ".json";

    /// <summary>The folder of a run; throws when the id is not 1-100 characters of letters, digits, '.', '_' or '-'.</summary>
    public static string Folder(string instanceId)
    {
        ValidateInstanceId(instanceId);
        return Root + instanceId + "/";
    }

    public static void ValidateInstanceId(string instanceId)
    {
        if (string.IsNullOrEmpty(instanceId) || instanceId.Length > 100
            || !instanceId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            || instanceId.StartsWith('.')
            || instanceId.StartsWith(ObjectKey.ReservedSegmentPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Invalid run instance id '{instanceId}': use 1-100 letters, digits, '.', '_' or '-', not starting with '.'.", nameof(instanceId));
        }
    }
}

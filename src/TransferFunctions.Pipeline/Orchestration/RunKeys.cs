using System.Globalization;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>Where a run's documents live in the store (DESIGN.md's <c>runs/{run-id}/</c>).</summary>
public static class RunKeys
{
    public const string Root = "runs/";

    public static string Record(string instanceId) => Folder(instanceId) + "run.json";

    public static string Journal(string instanceId) => Folder(instanceId) + "journal";

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

using System.Text.Json;
using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Pipeline.Hosting;

/// <summary>A run waiting for, or holding, an execution slot of a <see cref="RunScheduler"/>.</summary>
/// <param name="RunId">The run's instance id.</param>
/// <param name="Project">
/// Runs of one project execute one at a time (so their promotions are serialized); null means the
/// run belongs to no project and waits for nothing but a free slot.
/// </param>
public sealed record ScheduledRun(string RunId, string? Project)
{
    /// <summary>
    /// The scheduling identity of a stored run: its id and the <c>project</c> of its input
    /// document (an <see cref="Service.AdaptationRequest"/>); no project when the input has none.
    /// </summary>
    public static ScheduledRun FromRecord(RunRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        string? project = null;
        if (record.Input is { ValueKind: JsonValueKind.Object } input
            && input.TryGetProperty("project", out var value)
            && value.ValueKind == JsonValueKind.String)
        {
            project = value.GetString();
        }

        return new ScheduledRun(record.InstanceId, string.IsNullOrEmpty(project) ? null : project);
    }
}

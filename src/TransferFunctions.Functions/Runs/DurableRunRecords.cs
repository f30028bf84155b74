using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;

namespace TransferFunctions.Functions.Runs;

/// <summary>
/// A Durable orchestration instance as the core's <see cref="RunRecord"/>, so the API shows runs in the same JSON
/// shape on both hosts: the instance id is the run id, input, output and custom status are the documents the
/// orchestrator wrote (in the store's dialect), a terminated instance is a canceled run.
/// </summary>
public static class DurableRunRecords
{
    /// <summary>The custom status step of a run that waits for an approve/reject event (written by AdaptModelOrchestrator).</summary>
    public const string AwaitingApprovalStep = "awaiting-approval";

    public static RunRecord ToRecord(OrchestrationMetadata instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var custom = Parse(instance.SerializedCustomStatus);
        var status = instance.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Pending => RunStatus.Pending,
            OrchestrationRuntimeStatus.Completed => RunStatus.Completed,
            OrchestrationRuntimeStatus.Failed => RunStatus.Failed,
            OrchestrationRuntimeStatus.Terminated => RunStatus.Canceled,
            _ when Step(custom) == AwaitingApprovalStep => RunStatus.WaitingForEvent,
            _ => RunStatus.Running,
        };
        var output = Parse(instance.SerializedOutput);
        return new RunRecord(
            instance.InstanceId,
            AdaptationService.OrchestratorName,
            status,
            instance.CreatedAt,
            instance.LastUpdatedAt,
            Parse(instance.SerializedInput),
            status == RunStatus.Completed ? output : null,
            custom,
            status == RunStatus.Failed ? Failure(instance.FailureDetails) : null,
            status == RunStatus.Canceled ? (output is { ValueKind: JsonValueKind.String } reason ? reason.GetString() : "terminated") : null,
            // Step timings live in the instance's Durable history, not in this summary.
            []);
    }

    private static FailureDetails Failure(TaskFailureDetails? failure) => failure is null
        ? new FailureDetails("Unknown", "the orchestration failed without failure details")
        : new FailureDetails(ShortTypeName(failure.ErrorType), failure.ErrorMessage);

    private static string? Step(JsonElement? custom) =>
        custom is { ValueKind: JsonValueKind.Object } c && c.TryGetProperty("step", out var step) && step.ValueKind == JsonValueKind.String ? step.GetString() : null;

    private static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string ShortTypeName(string errorType)
    {
        var dot = errorType.LastIndexOf('.');
        return dot >= 0 ? errorType[(dot + 1)..] : errorType;
    }
}

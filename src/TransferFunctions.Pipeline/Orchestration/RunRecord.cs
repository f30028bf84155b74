using System.Text.Json;
using System.Text.Json.Serialization;

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>The status document of one run (<c>runs/{id}/run.json</c>): what hosts and dashboards show.</summary>
/// <param name="InstanceId">The run id.</param>
/// <param name="Orchestrator">Which orchestrator runs it (the local runner uses the class name).</param>
/// <param name="Status">Current state.</param>
/// <param name="CreatedAt">When the run was created.</param>
/// <param name="UpdatedAt">When this record last changed.</param>
/// <param name="Input">The orchestrator's input document.</param>
/// <param name="Output">The orchestrator's result when <see cref="RunStatus.Completed"/>.</param>
/// <param name="CustomStatus">The last value given to <see cref="IOrchestrationContext.SetCustomStatus"/>.</param>
/// <param name="Failure">Why it failed, when <see cref="RunStatus.Failed"/>.</param>
/// <param name="CancellationReason">Why it was canceled, when <see cref="RunStatus.Canceled"/>.</param>
/// <param name="Steps">Every step call so far, in journal order, with timings.</param>
/// <param name="WakeAt">For a parked run (<see cref="RunStatus.WaitingForEvent"/>, no runner holding it): when its earliest event deadline or timer falls due; null when it waits without a deadline or is not parked.</param>
public sealed record RunRecord(
    string InstanceId,
    string Orchestrator,
    RunStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    JsonElement? Input,
    JsonElement? Output,
    JsonElement? CustomStatus,
    FailureDetails? Failure,
    string? CancellationReason,
    IReadOnlyList<StepTiming> Steps,
    DateTimeOffset? WakeAt = null)
{
    [JsonIgnore]
    public bool IsTerminal => Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Canceled;
}

using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;

namespace TransferFunctions.Pipeline.Tests.TestSupport;

/// <summary>
/// The pipeline's shape in miniature, for the scheduler and trigger tests (what they prove does not depend on learning):
/// validate the batch → train (accuracy from the number of files) → evaluate against the champion →
/// optional approval → promote by compare-and-swap → report. Every step is a real function on the store
/// (<see cref="SmallPipelineSteps"/>).
/// </summary>
public sealed class SmallAdaptOrchestrator : IOrchestrator<AdaptationRequest, SmallAdaptOrchestrator.Outcome>
{
    public const string ApprovalEvent = "approval";

    public async Task<Outcome> RunAsync(IOrchestrationContext context, AdaptationRequest input)
    {
        context.SetCustomStatus(new Progress("validate"));
        var batch = await context.CallStepAsync<SmallPipelineSteps.BatchSummary>(SmallPipelineSteps.Validate, input);
        context.SetCustomStatus(new Progress("train"));
        var candidate = await context.CallStepAsync<SmallPipelineSteps.Candidate>(SmallPipelineSteps.Train, batch);
        context.SetCustomStatus(new Progress("evaluate"));
        var champion = await context.CallStepAsync<SmallPipelineSteps.ChampionState>(SmallPipelineSteps.Evaluate, input.Project);
        var promote = candidate.Accuracy > (champion.Accuracy ?? 0);
        var summary = $"candidate accuracy {candidate.Accuracy:F3} vs champion {(champion.Version is null ? "none" : $"v{champion.Version} {champion.Accuracy:F3}")}";
        if (promote && input.Policy?.RequireApproval == true)
        {
            context.SetCustomStatus(new Progress("awaiting approval"));
            try
            {
                var approval = await context.WaitForExternalEventAsync<ApprovalDecision>(ApprovalEvent, input.Policy.ApprovalTimeout);
                promote = approval.Approved;
                summary += approval.Approved ? $"; approved by {approval.By}" : $"; rejected by {approval.By}: {approval.Reason}";
            }
            catch (TimeoutException)
            {
                promote = false;
                summary += "; no approval in time";
            }
        }

        int? version = null;
        if (promote)
        {
            context.SetCustomStatus(new Progress("promote"));
            version = await context.CallStepAsync<int>(SmallPipelineSteps.Promote, new SmallPipelineSteps.PromotionOrder(input.Project, context.InstanceId, candidate.Accuracy, champion.Version));
        }

        var decision = new Decision(promote, (promote ? "promote: " : "reject: ") + summary);
        context.SetCustomStatus(new Progress("report"));
        var report = await context.CallStepAsync<string>(SmallPipelineSteps.Report, new SmallPipelineSteps.ReportOrder(context.InstanceId, decision));
        context.SetCustomStatus(new Progress("done"));
        return new Outcome(decision, report, version);
    }

    public sealed record Progress(string Step);

    public sealed record Decision(bool Promote, string Summary);

    /// <summary>The output fields the dashboard reads: <c>decision.promote</c>, <c>decision.summary</c>, <c>report</c>.</summary>
    public sealed record Outcome(Decision Decision, string Report, int? Version);
}

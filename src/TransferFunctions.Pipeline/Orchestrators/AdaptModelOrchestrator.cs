using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Promotion;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;

namespace TransferFunctions.Pipeline.Orchestrators;

/// <summary>
/// The pipeline: validate → extract features → adapt ∥ scratch → evaluate → decide → (approve) →
/// promote or reject → report. No I/O and no clock here: every effect is a step, so a restarted
/// run replays to where it stopped and the same code runs on Durable Functions.
/// </summary>
public sealed class AdaptModelOrchestrator : IOrchestrator<RunInput, AdaptationResult>
{
    /// <summary>How often a promotion re-evaluates when other runs keep moving the champion.</summary>
    public const int MaxPromotionAttempts = 3;

    public const string ApprovalEvent = "approval";

    public async Task<AdaptationResult> RunAsync(IOrchestrationContext context, RunInput input)
    {
        var id = context.InstanceId;
        context.SetCustomStatus(new { step = StepNames.Validate });
        var data = await context.CallStepAsync<ValidatedDataset>(StepNames.Validate, new ValidateRequest(id, input));
        if (!data.Valid)
            return await Finish(context, input, data, "invalid-data", data.Errors, evaluation: null, decision: null, promotion: null);

        context.SetCustomStatus(new { step = StepNames.ExtractFeatures });
        await context.CallStepAsync<FeatureReport>(StepNames.ExtractFeatures, new ExtractRequest(id, input, data));

        context.SetCustomStatus(new { step = $"{StepNames.Adapt} ∥ {StepNames.TrainScratch}" });
        var adapt = context.CallStepAsync<TrainedModel>(StepNames.Adapt, new TrainRequest(id, input, data, input.Strategy, TrainingSteps.CandidateRole));
        var scratchTask = context.CallStepAsync<TrainedModel>(StepNames.TrainScratch, new TrainRequest(id, input, data, "scratch", TrainingSteps.ScratchRole));
        var probeTask = input.Policy.FirstModelMustBeatLinearProbe
            ? context.CallStepAsync<TrainedModel?>(StepNames.ProbeBaseline, new TrainRequest(id, input, data, "linear-probe", TrainingSteps.ProbeRole))
            : Task.FromResult<TrainedModel?>(null);
        await Task.WhenAll(new Task[] { adapt, scratchTask, probeTask });
        var candidate = await adapt;
        var scratch = await scratchTask;
        var probe = await probeTask;

        EvaluationReport evaluation;
        PromotionDecision decision;
        PromotionOutcome? promotion = null;
        var attempt = 0;
        while (true)
        {
            attempt++;
            context.SetCustomStatus(new { step = StepNames.Evaluate, attempt });
            evaluation = await context.CallStepAsync<EvaluationReport>(StepNames.Evaluate, new EvaluateRequest(id, input, data, candidate.StagedPrefix, scratch.StagedPrefix, probe?.StagedPrefix));
            decision = PromotionJudge.Decide(input.Policy, evaluation.Evidence);

            if (decision.Promote && input.Policy.RequireApproval)
            {
                context.SetCustomStatus(new { step = "awaiting-approval", decision = decision.Summary });
                var approval = await WaitForApproval(context, input.Policy.ApprovalTimeout);
                if (!approval.Approved)
                {
                    var why = approval.Reason ?? (approval.By is null ? "no approval before the timeout" : $"rejected by {approval.By}");
                    decision = decision with { Promote = false, Summary = $"reject: {why}" };
                }
            }

            context.SetCustomStatus(new { step = StepNames.Promote, attempt });
            var score = evaluation.Evidence.Candidate.Report;
            promotion = await context.CallStepAsync<PromotionOutcome>(StepNames.Promote, new PromoteRequest(id, input, data, candidate,
                new TestScore(score.Accuracy, score.MacroF1, score.ExampleCount, score.ExpectedCalibrationError), decision, evaluation.ChampionVersion));
            if (!promotion.ChampionMoved || attempt >= MaxPromotionAttempts) break;
        }

        var outcome = promotion.Promoted ? "promoted" : promotion.ChampionMoved ? "rejected-champion-kept-moving" : "rejected";
        // The data's warnings (e.g. a class with one example) belong with the decision's reasons, where the API and `runs show` look.
        var reasons = decision.Verdicts.Select(v => $"{(v.Passed ? "pass" : "FAIL")} {v.Rule}: {v.Detail}")
            .Concat((data.WarningDetails ?? []).Select(w => $"warning [{w.Code}]: {(w.File is null ? w.Detail : $"{w.File}: {w.Detail}")}")).ToList();
        return await Finish(context, input, data, outcome, reasons, evaluation, decision, promotion);
    }

    private static async Task<ApprovalDecision> WaitForApproval(IOrchestrationContext context, TimeSpan timeout)
    {
        try
        {
            return await context.WaitForExternalEventAsync<ApprovalDecision>(ApprovalEvent, timeout);
        }
        catch (TimeoutException)
        {
            return new ApprovalDecision(false, null, $"no approval within {timeout}");
        }
    }

    private static async Task<AdaptationResult> Finish(IOrchestrationContext context, RunInput input, ValidatedDataset data, string outcome, IReadOnlyList<string> reasons,
        EvaluationReport? evaluation, PromotionDecision? decision, PromotionOutcome? promotion)
    {
        context.SetCustomStatus(new { step = StepNames.Report });
        // Small on purpose: the report step reads data, features, models, evaluation and promotion from the steps' outputs.
        var report = await context.CallStepAsync<string>(StepNames.Report, new ReportRequest(context.InstanceId, input, outcome, reasons, decision));
        context.SetCustomStatus(new { step = "done", outcome });
        var champion = promotion is { Promoted: true } ? promotion.Version : evaluation?.ChampionVersion;
        return new AdaptationResult(input.Project, outcome, decision, promotion?.Version, champion,
            evaluation?.Evidence.Candidate.Report.Accuracy, evaluation?.Evidence.Champion?.Report.Accuracy, report, reasons,
            data.Valid ? data.WarningDetails : data.ErrorDetails);
    }
}

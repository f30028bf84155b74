using TransferFunctions.Learning.Metrics;

namespace TransferFunctions.Pipeline.Promotion;

/// <summary>
/// Applies a <see cref="PromotionPolicy"/> to <see cref="EvaluationEvidence"/>. Pure and
/// deterministic, so the orchestrator can run it inline and replays reach the same decision.
/// </summary>
public static class PromotionJudge
{
    public const string BeatsChampion = "beats-champion";
    public const string Significant = "significant-vs-champion";
    public const string NoClassRegression = "no-class-regression";
    public const string BeatsScratch = "beats-scratch";
    public const string BeatsLinearProbe = "beats-linear-probe";
    public const string Retention = "source-retention";

    public static PromotionDecision Decide(PromotionPolicy policy, EvaluationEvidence e)
    {
        var verdicts = new List<RuleVerdict>();
        var cand = e.Candidate.Report;

        var scratchGain = cand.Accuracy - e.Scratch.Report.Accuracy;
        var negativeTransfer = scratchGain <= 0;
        verdicts.Add(new RuleVerdict(BeatsScratch, scratchGain > policy.MinGainOverScratch,
            negativeTransfer
                ? $"negative transfer: candidate {Pct(cand.Accuracy)} is not better than scratch {Pct(e.Scratch.Report.Accuracy)}"
                : $"candidate {Pct(cand.Accuracy)} vs scratch {Pct(e.Scratch.Report.Accuracy)} (+{Pts(scratchGain)}, required > {Pts(policy.MinGainOverScratch)})",
            Numbers(("candidate_accuracy", cand.Accuracy), ("scratch_accuracy", e.Scratch.Report.Accuracy), ("gain", scratchGain))));

        if (e.Champion is { } champ)
        {
            var gain = cand.Accuracy - champ.Report.Accuracy;
            verdicts.Add(new RuleVerdict(BeatsChampion, gain >= policy.MinImprovement,
                $"candidate {Pct(cand.Accuracy)} vs champion {Pct(champ.Report.Accuracy)} ({Signed(gain)}, required ≥ +{Pts(policy.MinImprovement)})",
                Numbers(("candidate_accuracy", cand.Accuracy), ("champion_accuracy", champ.Report.Accuracy), ("gain", gain), ("required", policy.MinImprovement))));

            var test = McNemar.ExactTest(e.Candidate.Correct, champ.Correct);
            var significant = test.PValue < policy.MaxPValue && test.OnlyACorrect > test.OnlyBCorrect;
            verdicts.Add(new RuleVerdict(Significant, significant,
                $"McNemar exact p = {test.PValue:G3} (only candidate right: {test.OnlyACorrect}, only champion right: {test.OnlyBCorrect}; required p < {policy.MaxPValue})",
                Numbers(("p_value", test.PValue), ("only_candidate_correct", test.OnlyACorrect), ("only_champion_correct", test.OnlyBCorrect), ("max_p_value", policy.MaxPValue))));

            verdicts.Add(ClassRegression(policy, cand, champ.Report));
        }
        else if (e.LinearProbe is { } probe && policy.FirstModelMustBeatLinearProbe)
        {
            var gain = cand.Accuracy - probe.Report.Accuracy;
            verdicts.Add(new RuleVerdict(BeatsLinearProbe, gain >= 0,
                $"first model: candidate {Pct(cand.Accuracy)} vs the base's linear probe {Pct(probe.Report.Accuracy)} ({Signed(gain)})",
                Numbers(("candidate_accuracy", cand.Accuracy), ("probe_accuracy", probe.Report.Accuracy), ("gain", gain))));
        }

        if (policy.RetentionFloor is { } floor)
        {
            if (e.SourceAccuracyBefore is { } before && e.SourceAccuracyAfter is { } after && before > 0)
            {
                var retained = after / before;
                verdicts.Add(new RuleVerdict(Retention, retained >= floor,
                    $"source-task accuracy {Pct(before)} → {Pct(after)} (retained {retained:P1}, floor {floor:P0})",
                    Numbers(("source_accuracy_before", before), ("source_accuracy_after", after), ("retained", retained), ("floor", floor))));
            }
            else
            {
                verdicts.Add(new RuleVerdict(Retention, true, "source-task retention not measurable for this strategy (no source head or source data); rule skipped",
                    Numbers(("floor", floor))));
            }
        }

        var promote = verdicts.All(v => v.Passed);
        var failed = verdicts.Where(v => !v.Passed).Select(v => v.Rule).ToList();
        var summary = promote
            ? $"promote: {Pct(cand.Accuracy)} passes {verdicts.Count} rules" + (e.Champion is null ? " (first model of the project)" : "")
            : $"reject: failed {string.Join(", ", failed)}";
        return new PromotionDecision(promote, verdicts, summary, negativeTransfer);
    }

    private static RuleVerdict ClassRegression(PromotionPolicy policy, ClassificationReport cand, ClassificationReport champ)
    {
        var worst = ("", 0.0);
        var champRecall = champ.PerClass.ToDictionary(c => c.ClassName, c => c.Recall);
        foreach (var c in cand.PerClass)
        {
            if (!champRecall.TryGetValue(c.ClassName, out var before)) continue;
            var drop = before - c.Recall;
            if (drop > worst.Item2) worst = (c.ClassName, drop);
        }
        var passed = worst.Item2 <= policy.MaxClassRegression;
        var detail = worst.Item1.Length == 0
            ? "no class lost recall versus the champion"
            : $"largest recall drop: '{worst.Item1}' −{Pts(worst.Item2)} (bound {Pts(policy.MaxClassRegression)})";
        return new RuleVerdict(NoClassRegression, passed, detail, Numbers(("worst_drop", worst.Item2), ("bound", policy.MaxClassRegression)));
    }

    private static IReadOnlyDictionary<string, double> Numbers(params (string Key, double Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value);

    private static string Pct(double v) => $"{v * 100:F2}%";
    private static string Pts(double v) => $"{v * 100:F2} pts";
    private static string Signed(double v) => v >= 0 ? $"+{Pts(v)}" : $"−{Pts(-v)}";
}

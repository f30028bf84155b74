using TransferFunctions.Learning.Analysis;
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
    public const string MinTestSize = "min-test-size";
    public const string AccuracyLowerBound = "accuracy-lower-bound";
    public const string SignificantVsScratch = "significant-vs-scratch";

    public static PromotionDecision Decide(PromotionPolicy policy, EvaluationEvidence e)
    {
        var verdicts = new List<RuleVerdict>();
        var cand = e.Candidate.Report;

        // Negative transfer is judged in one place (TransferAnalysis.NegativeTransfer); the rule adds the policy's margin.
        var transfer = TransferAnalysis.NegativeTransfer(e.Candidate.Correct, e.Scratch.Correct);
        var scratchGain = transfer.AccuracyGap;
        var negativeTransfer = transfer.IsNegative;
        // How the two split the test images: an exact tie of two different models (the demo's 91.51% vs 91.51%, 18 images
        // each way) reads like one model scored twice unless the verdict says they disagree.
        var (onlyCandidate, onlyScratch) = (transfer.McNemar.OnlyACorrect, transfer.McNemar.OnlyBCorrect);
        verdicts.Add(new RuleVerdict(BeatsScratch, scratchGain > policy.MinGainOverScratch,
            negativeTransfer
                ? $"negative transfer: candidate {Pct(cand.Accuracy)} is not better than scratch {Pct(e.Scratch.Report.Accuracy)} "
                  + $"(only the candidate right on {onlyCandidate} test images, only scratch on {onlyScratch})"
                : $"candidate {Pct(cand.Accuracy)} vs scratch {Pct(e.Scratch.Report.Accuracy)} (+{Pts(scratchGain)}, required > {Pts(policy.MinGainOverScratch)})",
            Numbers(("candidate_accuracy", cand.Accuracy), ("scratch_accuracy", e.Scratch.Report.Accuracy), ("gain", scratchGain),
                ("only_candidate_correct", onlyCandidate), ("only_scratch_correct", onlyScratch))));

        if (e.Champion is { } champ)
        {
            var gain = cand.Accuracy - champ.Report.Accuracy;
            verdicts.Add(new RuleVerdict(BeatsChampion, gain >= policy.MinImprovement,
                $"candidate {Pct(cand.Accuracy)} vs champion {Pct(champ.Report.Accuracy)} ({Signed(gain)}, required ≥ +{Pts(policy.MinImprovement)})",
                Numbers(("candidate_accuracy", cand.Accuracy), ("champion_accuracy", champ.Report.Accuracy), ("gain", gain), ("required", policy.MinImprovement))));

            var test = McNemar.ExactTest(e.Candidate.Correct, champ.Correct);
            // A bound of 1 or more asks for no significance (and no direction): the rule is off.
            var significant = policy.MaxPValue >= 1 || (test.PValue < policy.MaxPValue && test.OnlyACorrect > test.OnlyBCorrect);
            verdicts.Add(new RuleVerdict(Significant, significant,
                $"McNemar exact p = {test.PValue:G3} (only candidate right: {test.OnlyACorrect}, only champion right: {test.OnlyBCorrect}; required p < {policy.MaxPValue})",
                Numbers(("p_value", test.PValue), ("only_candidate_correct", test.OnlyACorrect), ("only_champion_correct", test.OnlyBCorrect), ("max_p_value", policy.MaxPValue))));

            verdicts.Add(ClassRegression(policy, cand, champ.Report));
        }
        else if (policy.FirstModelMustBeatLinearProbe)
        {
            if (e.LinearProbe is { } probe)
            {
                var gain = cand.Accuracy - probe.Report.Accuracy;
                verdicts.Add(new RuleVerdict(BeatsLinearProbe, gain >= 0,
                    $"first model: candidate {Pct(cand.Accuracy)} vs the base's linear probe {Pct(probe.Report.Accuracy)} ({Signed(gain)})",
                    Numbers(("candidate_accuracy", cand.Accuracy), ("probe_accuracy", probe.Report.Accuracy), ("gain", gain))));
            }
            else
            {
                verdicts.Add(new RuleVerdict(BeatsLinearProbe, false, "first model: the base's linear probe was not measured (the champion vanished after the probe step was skipped); fails closed",
                    Numbers(("candidate_accuracy", cand.Accuracy))));
            }
        }

        if (policy.MinTestExamplesPerClass > 0)
        {
            var smallest = cand.PerClass.OrderBy(c => c.Support).FirstOrDefault();
            var passed = smallest is not null && smallest.Support >= policy.MinTestExamplesPerClass;
            verdicts.Add(new RuleVerdict(MinTestSize, passed,
                smallest is null
                    ? "no per-class test results: the test set cannot be judged"
                    : passed
                        ? $"every class has ≥ {policy.MinTestExamplesPerClass} test examples (smallest: '{smallest.ClassName}' with {smallest.Support}) of {cand.ExampleCount}"
                        : $"class '{smallest.ClassName}' has {smallest.Support} test example(s) (< {policy.MinTestExamplesPerClass}): accuracies on {cand.ExampleCount} test images are too coarse to promote on; add test data",
                Numbers(("smallest_class_support", smallest?.Support ?? 0), ("test_examples", cand.ExampleCount), ("required", policy.MinTestExamplesPerClass))));
        }

        if (policy.MinAccuracyLowerBound is { } bound)
        {
            var lower = e.Candidate.AccuracyInterval?.Lower;
            verdicts.Add(new RuleVerdict(AccuracyLowerBound, lower >= bound,
                lower is null
                    ? "no bootstrap interval for the candidate: the bound cannot be checked"
                    : $"candidate accuracy 95% lower bound {Pct(lower.Value)} (required ≥ {Pct(bound)})",
                Numbers(("lower_bound", lower ?? double.NaN), ("required", bound))));
        }

        var floor = policy.RetentionFloor ?? (e.SourceDataNamed ? PromotionPolicy.DefaultRetentionFloor : null);
        if (floor is { } f)
        {
            if (e.SourceAccuracyBefore is { } before && e.SourceAccuracyAfter is { } after && before > 0)
            {
                var retained = after / before;
                verdicts.Add(new RuleVerdict(Retention, retained >= f,
                    $"source-task accuracy {Pct(before)} → {Pct(after)} (retained {retained:P1}, floor {f:P0}{(policy.RetentionFloor is null ? ", the default where the base names its source data" : "")})",
                    Numbers(("source_accuracy_before", before), ("source_accuracy_after", after), ("retained", retained), ("floor", f))));
            }
            else
            {
                // Fails closed: a floor that cannot be checked is not a floor that held.
                verdicts.Add(new RuleVerdict(Retention, policy.SkipUnmeasurableRetention,
                    policy.SkipUnmeasurableRetention
                        ? "source-task retention not measurable (no source head or no source data); skipped as the policy allows"
                        : "source-task retention not measurable (no source head or no source data): fails closed; set skipUnmeasurableRetention to allow",
                    Numbers(("floor", f))));
            }
        }

        var reported = new List<RuleVerdict>();
        var versusScratch = transfer.McNemar;
        reported.Add(new RuleVerdict(SignificantVsScratch, versusScratch.PValue < policy.MaxPValue && versusScratch.OnlyACorrect > versusScratch.OnlyBCorrect,
            $"McNemar exact p = {versusScratch.PValue:G3} against scratch (only candidate right: {versusScratch.OnlyACorrect}, only scratch right: {versusScratch.OnlyBCorrect}); reported, not gated",
            Numbers(("p_value", versusScratch.PValue), ("only_candidate_correct", versusScratch.OnlyACorrect), ("only_scratch_correct", versusScratch.OnlyBCorrect))));

        var promote = verdicts.All(v => v.Passed);
        var failed = verdicts.Where(v => !v.Passed).Select(v => v.Rule).ToList();
        var summary = promote
            ? $"promote: {Pct(cand.Accuracy)} passes {verdicts.Count} rules" + (e.Champion is null ? " (first model of the project)" : "")
            : $"reject: failed {string.Join(", ", failed)}";
        return new PromotionDecision(promote, verdicts, summary, negativeTransfer, reported);
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

using TransferFunctions.Learning.Metrics;
using TransferFunctions.Pipeline.Promotion;

namespace TransferFunctions.Pipeline.Tests.Promotion;

public sealed class PromotionJudgeTests
{
    private static readonly string[] Labels = { "sandal", "shirt" };

    // 200 test examples: the first 100 are class 0, the rest class 1.
    private static readonly int[] Truth = Enumerable.Range(0, 200).Select(i => i < 100 ? 0 : 1).ToArray();

    /// <summary>A model that gets wrong exactly the examples in <paramref name="wrong"/>.</summary>
    private static ModelEvaluation Model(string name, IEnumerable<int> wrong)
    {
        var wrongSet = wrong.ToHashSet();
        var predicted = Truth.Select((t, i) => wrongSet.Contains(i) ? 1 - t : t).ToArray();
        var report = ClassificationMetrics.Compute(Truth, predicted, Labels);
        return new ModelEvaluation(name, report, Truth.Select((t, i) => predicted[i] == t).ToArray());
    }

    private static IEnumerable<int> Range(int start, int count) => Enumerable.Range(start, count);

    [Fact]
    public void First_model_is_promoted_when_it_beats_scratch_and_the_linear_probe()
    {
        var evidence = new EvaluationEvidence(Model("candidate", Range(0, 10)), null, Model("scratch", Range(0, 30)), Model("probe", Range(0, 20)), null, null);

        var decision = PromotionJudge.Decide(PromotionPolicy.Default, evidence);

        Assert.True(decision.Promote, decision.Summary);
        Assert.Equal(new[] { PromotionJudge.BeatsScratch, PromotionJudge.BeatsLinearProbe, PromotionJudge.MinTestSize }, decision.Verdicts.Select(v => v.Rule));
        Assert.False(decision.NegativeTransfer);
        Assert.Equal(0.95, decision.Verdicts[0].Numbers["candidate_accuracy"], 6);
        Assert.Equal(0.85, decision.Verdicts[0].Numbers["scratch_accuracy"], 6);
    }

    [Fact]
    public void Candidate_not_better_than_scratch_is_rejected_as_negative_transfer()
    {
        var evidence = new EvaluationEvidence(Model("candidate", Range(0, 20)), null, Model("scratch", Range(100, 20)), Model("probe", Range(0, 40)), null, null);

        var decision = PromotionJudge.Decide(PromotionPolicy.Default, evidence);

        Assert.False(decision.Promote);
        Assert.True(decision.NegativeTransfer);
        Assert.Equal(PromotionJudge.BeatsScratch, Assert.Single(decision.Failed).Rule);
        Assert.Contains("negative transfer", decision.Verdicts[0].Detail);
    }

    [Fact]
    public void Exact_tie_with_scratch_is_rejected_and_says_how_the_two_models_split_the_test_images()
    {
        // Both get 180 of 200 right, but different ones: a real tie of two models, not one model scored twice.
        var evidence = new EvaluationEvidence(Model("candidate", Range(0, 20)), Model("champion", Range(0, 40)), Model("scratch", Range(10, 20)), null, null, null);

        var decision = PromotionJudge.Decide(PromotionPolicy.Default, evidence);

        var scratch = decision.Verdicts[0];
        Assert.Equal(PromotionJudge.BeatsScratch, scratch.Rule);
        Assert.False(scratch.Passed);
        Assert.Equal(0, scratch.Numbers["gain"], 9);
        Assert.Equal(10, scratch.Numbers["only_candidate_correct"]);
        Assert.Equal(10, scratch.Numbers["only_scratch_correct"]);
        Assert.Contains("only the candidate right on 10 test images, only scratch on 10", scratch.Detail);
    }

    [Fact]
    public void First_model_below_the_linear_probe_is_rejected()
    {
        var evidence = new EvaluationEvidence(Model("candidate", Range(0, 20)), null, Model("scratch", Range(0, 40)), Model("probe", Range(0, 10)), null, null);

        var decision = PromotionJudge.Decide(PromotionPolicy.Default, evidence);

        Assert.Equal(PromotionJudge.BeatsLinearProbe, Assert.Single(decision.Failed).Rule);
        Assert.Equal(-0.05, decision.Verdicts[1].Numbers["gain"], 6);
    }

    [Fact]
    public void Linear_probe_rule_can_be_turned_off_for_first_models()
    {
        var evidence = new EvaluationEvidence(Model("candidate", Range(0, 20)), null, Model("scratch", Range(0, 40)), Model("probe", Range(0, 10)), null, null);

        var decision = PromotionJudge.Decide(PromotionPolicy.Default with { FirstModelMustBeatLinearProbe = false }, evidence);

        Assert.True(decision.Promote, decision.Summary);
        Assert.DoesNotContain(decision.Verdicts, v => v.Rule == PromotionJudge.BeatsLinearProbe);
    }

    [Fact]
    public void Candidate_significantly_better_than_champion_is_promoted()
    {
        // Champion wrong on 0..39 (80%), candidate wrong on 0..9 (95%): b = 0, c = 30, p = 2·0.5^30.
        var evidence = new EvaluationEvidence(Model("candidate", Range(0, 10)), Model("champion", Range(0, 40)), Model("scratch", Range(0, 50)), null, null, null);

        var decision = PromotionJudge.Decide(PromotionPolicy.Default, evidence);

        Assert.True(decision.Promote, decision.Summary);
        var mcnemar = decision.Verdicts.Single(v => v.Rule == PromotionJudge.Significant);
        Assert.Equal(2 * Math.Pow(0.5, 30), mcnemar.Numbers["p_value"], 9);
        Assert.Equal(30, mcnemar.Numbers["only_candidate_correct"]);
    }

    [Fact]
    public void Gain_below_the_margin_is_rejected()
    {
        // 95.0% vs 94.5%: +0.5 pts passes the default margin, so ask for 1 point.
        var evidence = new EvaluationEvidence(Model("candidate", Range(0, 10)), Model("champion", Range(0, 11)), Model("scratch", Range(0, 50)), null, null, null);

        var decision = PromotionJudge.Decide(PromotionPolicy.Default with { MinImprovement = 0.01 }, evidence);

        Assert.Contains(decision.Failed, v => v.Rule == PromotionJudge.BeatsChampion);
    }

    [Fact]
    public void Gain_that_is_not_significant_is_rejected()
    {
        // Candidate wrong on 0..9, champion wrong on 5..16: b = 7, c = 5 → p ≈ 0.77.
        var evidence = new EvaluationEvidence(Model("candidate", Range(0, 10)), Model("champion", Range(5, 12)), Model("scratch", Range(0, 50)), null, null, null);

        var decision = PromotionJudge.Decide(PromotionPolicy.Default, evidence);

        var verdict = decision.Verdicts.Single(v => v.Rule == PromotionJudge.Significant);
        Assert.False(verdict.Passed);
        Assert.Equal(McNemar.ExactPValue(5, 7), verdict.Numbers["p_value"], 6);
    }

    [Fact]
    public void Promotion_is_rejected_when_a_class_regresses_beyond_bound()
    {
        // Candidate: perfect on class 0, 12 wrong on class 1 (recall 0.88). Champion: 20 wrong on class 0, perfect on class 1.
        // Overall 94% vs 90% and significant (b = 20, c = 12 is not; so make champion worse elsewhere too).
        var evidence = new EvaluationEvidence(Model("candidate", Range(100, 12)), Model("champion", Range(0, 40)), Model("scratch", Range(0, 60)), null, null, null);

        var decision = PromotionJudge.Decide(PromotionPolicy.Default, evidence);

        var verdict = decision.Verdicts.Single(v => v.Rule == PromotionJudge.NoClassRegression);
        Assert.False(verdict.Passed);
        Assert.Equal(0.12, verdict.Numbers["worst_drop"], 6);
        Assert.Contains("'shirt'", verdict.Detail);
        Assert.False(decision.Promote);
    }

    [Fact]
    public void Retention_below_the_floor_is_rejected_and_unmeasurable_retention_fails_closed_unless_the_policy_skips_it()
    {
        var policy = PromotionPolicy.Default with { RetentionFloor = 0.9 };
        var forgetful = new EvaluationEvidence(Model("candidate", Range(0, 10)), null, Model("scratch", Range(0, 40)), Model("probe", Range(0, 30)), 0.95, 0.80);
        var unmeasured = forgetful with { SourceAccuracyBefore = null, SourceAccuracyAfter = null };

        var rejected = PromotionJudge.Decide(policy, forgetful);
        var closed = PromotionJudge.Decide(policy, unmeasured);
        var skipped = PromotionJudge.Decide(policy with { SkipUnmeasurableRetention = true }, unmeasured);

        var verdict = rejected.Verdicts.Single(v => v.Rule == PromotionJudge.Retention);
        Assert.False(verdict.Passed);
        Assert.Equal(0.80 / 0.95, verdict.Numbers["retained"], 6);
        Assert.False(closed.Promote, closed.Summary);
        Assert.Contains("fails closed", closed.Verdicts.Single(v => v.Rule == PromotionJudge.Retention).Detail);
        Assert.True(skipped.Promote, skipped.Summary);
    }

    [Fact]
    public void Retention_floor_is_on_by_default_when_the_base_names_its_source_data()
    {
        var named = new EvaluationEvidence(Model("candidate", Range(0, 10)), null, Model("scratch", Range(0, 40)), Model("probe", Range(0, 30)), 0.95, 0.50, SourceDataNamed: true);
        var unnamed = named with { SourceDataNamed = false };

        var withFloor = PromotionJudge.Decide(PromotionPolicy.Default, named);
        var withoutFloor = PromotionJudge.Decide(PromotionPolicy.Default, unnamed);

        var verdict = withFloor.Verdicts.Single(v => v.Rule == PromotionJudge.Retention);
        Assert.False(verdict.Passed);
        Assert.Equal(PromotionPolicy.DefaultRetentionFloor, verdict.Numbers["floor"], 6);
        Assert.DoesNotContain(withoutFloor.Verdicts, v => v.Rule == PromotionJudge.Retention);
    }

    [Fact]
    public void A_class_with_too_few_test_examples_blocks_promotion()
    {
        // 10 test examples over 5 classes: 2 per class.
        var evidence = new EvaluationEvidence(Model("candidate", Range(0, 1)), null, Model("scratch", Range(0, 5)), Model("probe", Range(0, 4)), null, null);
        var small = evidence with
        {
            Candidate = Small(evidence.Candidate), Scratch = Small(evidence.Scratch), LinearProbe = Small(evidence.LinearProbe!),
        };

        var decision = PromotionJudge.Decide(PromotionPolicy.Default, small);

        var verdict = Assert.Single(decision.Failed);
        Assert.Equal(PromotionJudge.MinTestSize, verdict.Rule);
        Assert.Equal(2, verdict.Numbers["smallest_class_support"]);
        Assert.True(PromotionJudge.Decide(PromotionPolicy.Default with { MinTestExamplesPerClass = 2 }, small).Promote);
    }

    [Fact]
    public void The_optional_lower_bound_rule_gates_on_the_bootstrap_interval_and_scratch_significance_is_reported_not_gated()
    {
        var evidence = new EvaluationEvidence(Model("candidate", Range(0, 10)), null, Model("scratch", Range(0, 12)), Model("probe", Range(0, 30)), null, null);
        var interval = new BootstrapIntervalSummary(0.95, 0.90, 0.99, 0.95);
        var withInterval = evidence with { Candidate = evidence.Candidate with { AccuracyInterval = interval } };

        var strict = PromotionJudge.Decide(PromotionPolicy.Default with { MinAccuracyLowerBound = 0.92 }, withInterval);
        var loose = PromotionJudge.Decide(PromotionPolicy.Default with { MinAccuracyLowerBound = 0.85 }, withInterval);

        Assert.Equal(PromotionJudge.AccuracyLowerBound, Assert.Single(strict.Failed).Rule);
        Assert.True(loose.Promote, loose.Summary);
        var scratch = Assert.Single(loose.Reported!, v => v.Rule == PromotionJudge.SignificantVsScratch);
        Assert.DoesNotContain(loose.Verdicts, v => v.Rule == PromotionJudge.SignificantVsScratch);
        Assert.True(scratch.Numbers["p_value"] > 0.05, "2 discordant pairs cannot be significant");
    }

    private static ModelEvaluation Small(ModelEvaluation model)
    {
        var keep = Enumerable.Range(0, 10).ToArray();
        var truth = keep.Select(i => i % 5).ToArray();
        var predicted = keep.Select(i => model.Correct[i] ? i % 5 : (i + 1) % 5).ToArray();
        var labels = Enumerable.Range(0, 5).Select(i => $"c{i}").ToArray();
        return new ModelEvaluation(model.Model, TransferFunctions.Learning.Metrics.ClassificationMetrics.Compute(truth, predicted, labels), keep.Select(i => model.Correct[i]).ToArray());
    }

    [Fact]
    public void A_p_value_bound_of_one_turns_the_significance_rule_off()
    {
        // Candidate and champion each right where the other is wrong, as often: no significance, no direction.
        var evidence = new EvaluationEvidence(Model("candidate", Range(0, 10)), Model("champion", Range(10, 10)), Model("scratch", Range(0, 40)), null, null, null);

        var strict = PromotionJudge.Decide(PromotionPolicy.Default with { MinImprovement = 0 }, evidence);
        var off = PromotionJudge.Decide(PromotionPolicy.Default with { MinImprovement = 0, MaxPValue = 1 }, evidence);

        Assert.Contains(strict.Failed, v => v.Rule == PromotionJudge.Significant);
        Assert.True(off.Promote, off.Summary);
    }
}

using TransferFunctions.Learning.Analysis;
using TransferFunctions.Learning.Evaluation;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Strategies;
using TransferFunctions.Torch;

namespace TransferFunctions.Learning.Tests.Strategies;

[Collection(FashionCollection.Name)]
public sealed class TransferComparisonTests(FashionFixture fixture)
{
    [Fact]
    public void Fine_tune_beats_scratch_at_ten_labels_per_class()
    {
        using var target = fixture.Target(perClass: 10, validationPerClass: 0);
        var (testX, testY) = fixture.TargetTest(perClass: 200);
        using var _x = testX;
        using var _y = testY;
        // The label-efficiency benchmark's budget for 10 labels per class.
        var budget = new AdaptationBudget { Steps = 250, BatchSize = 64, ValidationRounds = 5 };
        EvaluationResult Run(string name)
        {
            using var outcome = StrategyRegistry.Create(name).Adapt(new AdaptationContext { Base = fixture.Base, Data = target.Data, Budget = budget, Seed = 3 });
            return ModelEvaluator.Evaluate(outcome.Model, testX, testY);
        }

        var fineTune = Run("fine-tune");
        var scratch = Run("scratch");
        var check = TransferAnalysis.NegativeTransfer(fineTune, scratch);

        Assert.False(check.IsNegative, check.Explanation);
        Assert.True(fineTune.Accuracy > scratch.Accuracy + 0.015, check.Explanation);
        Assert.Equal(1000, check.Comparison.McNemar.OnlyACorrect + check.Comparison.McNemar.OnlyBCorrect
            + fineTune.Correct().Zip(scratch.Correct()).Count(p => p.First == p.Second));
    }

    [Fact]
    public void LogME_ranks_the_pretrained_backbone_above_a_random_one_on_the_same_data()
    {
        using var target = fixture.Target(perClass: 100, validationPerClass: 0);
        torch.ManualSeed(5);
        using var random = new ResNet(fixture.Base.Model.Spec, 5);

        var pretrained = TransferAnalysis.Transferability(fixture.Base.Model, target.Data.TrainInputs, target.Data.TrainLabels, 5);
        var untrained = TransferAnalysis.Transferability(random, target.Data.TrainInputs, target.Data.TrainLabels, 5);

        Assert.Equal(500, pretrained.ExampleCount);
        Assert.True(pretrained.Score > untrained.Score, $"LogME pretrained {pretrained.Score:F4} vs random {untrained.Score:F4}");
    }

    [Fact]
    public async Task Source_retention_is_measured_through_the_kept_source_head()
    {
        using var target = fixture.Target(perClass: 10, validationPerClass: 0);
        var (source, reason) = await SourceData.TryLoadAsync(fixture.Base.Manifest, test: true, maxExamples: 1000);
        Assert.True(source is not null, reason);
        using var sx = source!.Inputs;
        using var sy = source.Labels;
        using var probe = StrategyRegistry.Create("linear-probe").Adapt(new AdaptationContext { Base = fixture.Base, Data = target.Data, Budget = new AdaptationBudget { Steps = 20 } });

        var retention = TransferAnalysis.SourceRetention(fixture.Base, probe.Model, sx, sy);

        // A probe never touches the backbone, and the source head is the base head: nothing can be forgotten.
        Assert.Equal(1000, retention.Examples);
        Assert.Equal(retention.Before, retention.After, 6);
        Assert.True(retention.Before > 0.5, $"base source accuracy {retention.Before:P1}");
    }

    [Fact]
    public async Task Domain_distance_is_larger_between_source_and_target_classes_than_within_the_source()
    {
        var (source, _) = await SourceData.TryLoadAsync(fixture.Base.Manifest, test: true, maxExamples: 600);
        using var sx = source!.Inputs;
        using var sy = source.Labels;
        using var target = fixture.Target(perClass: 60, validationPerClass: 0);

        var within = TransferAnalysis.DomainDistance(fixture.Base.Model, sx.Slice(0, 0, 300), sx.Slice(0, 300, 600));
        var across = TransferAnalysis.DomainDistance(fixture.Base.Model, sx.Slice(0, 0, 300), target.Data.TrainInputs);

        Assert.True(across.SquaredMmd > within.SquaredMmd * 3, $"MMD² source↔target {across.SquaredMmd:G4} vs source↔source {within.SquaredMmd:G4}");
    }
}

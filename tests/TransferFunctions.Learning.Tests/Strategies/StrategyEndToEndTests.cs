using TransferFunctions.Learning.Evaluation;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Strategies;
using TransferFunctions.Learning.Tests.Data;

namespace TransferFunctions.Learning.Tests.Strategies;

[Collection(FashionCollection.Name)]
public sealed class StrategyEndToEndTests(FashionFixture fixture)
{
    private static readonly AdaptationBudget SmallBudget = new() { Steps = 60, BatchSize = 50, ValidationRounds = 3 };

    [Theory]
    [InlineData("linear-probe")]
    [InlineData("mlp-probe")]
    [InlineData("fine-tune")]
    [InlineData("hybrid")]
    [InlineData("scratch")]
    [InlineData("auto")]
    public async Task Strategy_adapts_end_to_end_and_beats_chance_by_a_wide_margin(string name)
    {
        using var target = fixture.Target(perClass: 20, validationPerClass: 4);
        var (testX, testY) = fixture.TargetTest(perClass: 100);
        using var _x = testX;
        using var _y = testY;
        var (replay, _) = name == "hybrid"
            ? await SourceData.TryLoadAsync(fixture.Base.Card, test: false, maxExamples: 500)
            : (null, "");
        using var replayX = replay?.Inputs;
        using var replayY = replay?.Labels;
        var context = new AdaptationContext
        {
            Base = fixture.Base,
            Data = target.Data with { SourceReplay = replay },
            Seed = 1,
            Budget = SmallBudget,
        };

        using var outcome = StrategyRegistry.Create(name).Adapt(context);

        var accuracy = ModelEvaluator.Accuracy(outcome.Model.Model, testX, testY);
        Assert.True(accuracy > 0.5, $"{name}: test accuracy {accuracy:P1} on 500 images of 5 classes (chance 20%)");
        Assert.Equal(name, outcome.Report.Strategy);
        Assert.Equal(name, outcome.Model.Card.Training["strategy"]);
        Assert.Equal(fixture.TargetLabels, outcome.Model.Card.Labels);
        Assert.NotEmpty(outcome.Report.Phases);
        Assert.NotEmpty(outcome.Report.Notes);
        if (name == "scratch")
        {
            Assert.Null(outcome.Model.Card.BaseModel);
        }
        else
        {
            Assert.Equal(fixture.Base.Card.Name, outcome.Model.Card.BaseModel!.Name);
            Assert.Equal(fixture.Base.Card.WeightsDigest, outcome.Model.Card.BaseModel.WeightsDigest);
            Assert.True(AdaptedModel.HasSourceHead(outcome.Model.Model), "the base head is kept to measure retention");
        }
        if (name == "hybrid") Assert.Contains(outcome.Report.Notes, n => n.Contains("Replayed", StringComparison.Ordinal));
        if (name == "auto") Assert.Contains(outcome.Report.Notes, n => n.Contains("LogME", StringComparison.Ordinal));
    }

    [Fact]
    public void Auto_trains_exactly_its_chosen_candidate_so_an_existing_run_of_it_can_stand_in()
    {
        using var target = fixture.Target(perClass: 20, validationPerClass: 4);
        var context = new AdaptationContext { Base = fixture.Base, Data = target.Data, Seed = 3, Budget = SmallBudget with { Steps = 30 } };
        var auto = new AutoStrategy();

        var decision = auto.Decide(context);
        using var viaAuto = auto.Adapt(context);
        using var direct = StrategyRegistry.Create(decision.Chosen).Adapt(context);

        Assert.Equal(decision.Chosen, viaAuto.Model.Card.Training["chosen_strategy"]);
        Assert.NotEmpty(decision.QuickScores);
        Assert.Equal(decision.Notes, viaAuto.Report.Notes.Take(decision.Notes.Count));
        var a = ModelEvaluator.Predict(viaAuto.Model.Model, target.Data.TrainInputs).Probabilities;
        var b = ModelEvaluator.Predict(direct.Model.Model, target.Data.TrainInputs).Probabilities;
        for (var i = 0; i < a.Length; i++)
            for (var c = 0; c < a[i].Length; c++)
                Assert.Equal(b[i][c], a[i][c], 6);
    }

    [Fact]
    public void Adapted_package_round_trips_through_disk_with_its_heads_and_lineage()
    {
        using var target = fixture.Target(perClass: 10, validationPerClass: 0);
        var context = new AdaptationContext { Base = fixture.Base, Data = target.Data, Budget = SmallBudget with { Steps = 20 } };
        using var outcome = StrategyRegistry.Create("mlp-probe").Adapt(context);
        using var dir = new TempDirectory();

        outcome.Model.Save(dir.Path);
        using var loaded = ModelPackage.Load(dir.Path);

        Assert.Equal(256, loaded.Card.HeadHiddenUnits);
        Assert.Equal(fixture.Base.Card.Labels, loaded.Card.ExtraHeads[AdaptedModel.SourceHeadName]);
        Assert.Equal(fixture.Base.Card.WeightsDigest, loaded.Card.BaseModel!.WeightsDigest);
        var before = ModelEvaluator.Predict(outcome.Model.Model, target.Data.TrainInputs).Probabilities;
        var after = ModelEvaluator.Predict(loaded.Model, target.Data.TrainInputs).Probabilities;
        Assert.Equal(before.Length, after.Length);
        for (var i = 0; i < before.Length; i++)
            for (var c = 0; c < before[i].Length; c++)
                Assert.Equal(before[i][c], after[i][c], 5);
    }

    [Fact]
    public void Unknown_strategy_name_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => StrategyRegistry.Create("fine-tuning"));
        Assert.Contains("'fine-tuning'", e.Message);
        foreach (var name in StrategyRegistry.Names) Assert.Contains(name, e.Message);
    }
}

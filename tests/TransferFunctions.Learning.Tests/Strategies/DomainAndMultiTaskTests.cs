using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Evaluation;
using TransferFunctions.Learning.Strategies;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Tests.Strategies;

[Collection(FashionCollection.Name)]
public sealed class DomainAndMultiTaskTests(FashionFixture fixture)
{
    /// <summary>A camera with less contrast and more exposure: pixel p becomes 0.35·p + 0.55 (still in [0, 1]).</summary>
    private Tensor Shift(Tensor normalized)
    {
        var spec = fixture.Base.Card.Input;
        double m = spec.Mean[0], s = spec.Std[0];
        return normalized.mul(0.35).add((0.35 * m + 0.55 - m) / s).DetachFromDisposeScope();
    }

    [Fact]
    public void Domain_adapt_improves_over_no_adaptation_on_a_shifted_target()
    {
        using var labeled = fixture.Target(perClass: 20, validationPerClass: 0);
        var unlabeledPositions = FashionFixture.Sample(fixture.Train, FashionFixture.TargetClasses, 100, seed: 4, skip: 50);
        using var unlabeledRaw = fixture.Inputs(fixture.Train, unlabeledPositions);
        using var unlabeled = Shift(unlabeledRaw);
        var (testRaw, testY) = fixture.TargetTest(perClass: 100);
        using var _r = testRaw;
        using var _y = testY;
        using var testX = Shift(testRaw);
        var budget = new AdaptationBudget { Steps = 80, BatchSize = 50, ValidationRounds = 2 };

        using var plain = StrategyRegistry.Create("fine-tune").Adapt(new AdaptationContext { Base = fixture.Base, Data = labeled.Data, Budget = budget, Seed = 2 });
        using var adapted = StrategyRegistry.Create("domain-adapt").Adapt(new AdaptationContext { Base = fixture.Base, Data = labeled.Data with { UnlabeledInputs = unlabeled }, Budget = budget, Seed = 2 });

        var without = ModelEvaluator.Accuracy(plain.Model.Model, testX, testY);
        var with = ModelEvaluator.Accuracy(adapted.Model.Model, testX, testY);
        Assert.True(with > without + 0.05, $"shifted-target accuracy: domain-adapt {with:P1} vs fine-tune without adaptation {without:P1}");
        Assert.Contains(adapted.Report.Notes, n => n.StartsWith("AdaBN", StringComparison.Ordinal));
        Assert.Equal("coral", adapted.Model.Card.Training["alignment"]);
    }

    [Fact]
    public void Domain_adapt_without_unlabeled_inputs_says_what_is_missing()
    {
        using var labeled = fixture.Target(perClass: 2, validationPerClass: 0);
        var e = Assert.Throws<ArgumentException>(() => StrategyRegistry.Create("domain-adapt").Adapt(new AdaptationContext { Base = fixture.Base, Data = labeled.Data }));
        Assert.Contains("UnlabeledInputs", e.Message);
    }

    [Fact]
    public void Multi_task_learns_two_label_columns_including_one_with_missing_labels()
    {
        // Column "footwear": Sandal, Sneaker and Ankle boot are footwear; Shirt and Bag are not. Every third label is missing.
        string[] footwearNames = ["no", "yes"];
        var isFootwear = new[] { 1L, 0, 1, 0, 1 };
        using var target = fixture.Target(perClass: 20, validationPerClass: 10);
        Tensor Column(Tensor labels, bool dropSome)
        {
            var y = labels.data<long>().ToArray().Select((c, i) => dropSome && i % 3 == 0 ? -1 : isFootwear[c]).ToArray();
            return torch.tensor(y);
        }
        using var trainColumn = Column(target.Data.TrainLabels, true);
        using var validationColumn = Column(target.Data.ValidationLabels!, false);
        var data = target.Data with { ExtraLabelColumns = [new LabelColumn("footwear", footwearNames, trainColumn, validationColumn)] };
        var (testX, testY) = fixture.TargetTest(perClass: 60);
        using var _x = testX;
        using var _y = testY;

        using var outcome = StrategyRegistry.Create("multi-task").Adapt(new AdaptationContext
        {
            Base = fixture.Base, Data = data, Budget = new AdaptationBudget { Steps = 80, BatchSize = 50, ValidationRounds = 2 }, Seed = 4,
        });

        var primary = ModelEvaluator.Accuracy(outcome.Model.Model, testX, testY);
        var footwearTruth = testY.data<long>().ToArray().Select(c => isFootwear[c]).ToArray();
        var footwear = MultiTaskStrategy.MaskedAccuracy(ModelEvaluator.Predict(outcome.Model.Model, testX, "footwear").Labels, footwearTruth);
        Assert.True(primary > 0.6, $"primary task accuracy {primary:P1} (5 classes)");
        Assert.True(footwear > 0.85, $"footwear head accuracy {footwear:P1} (2 classes)");
        Assert.Equal(footwearNames, outcome.Model.Card.ExtraHeads["footwear"]);
        Assert.Equal(["label", "footwear"], outcome.Report.TaskValidationAccuracy.Keys.ToArray());
        Assert.Equal("label,footwear", outcome.Model.Card.Training["tasks"]);
    }

    [Fact]
    public void Masked_cross_entropy_ignores_missing_labels_and_stays_finite_without_any()
    {
        using var logits = torch.tensor(new float[] { 2, 0, 0, 1, 1, 3 }, new long[] { 3, 2 });
        using var someMissing = torch.tensor(new long[] { 0, -1, 1 });
        using var allMissing = torch.tensor(new long[] { -1, -1, -1 });

        var loss = FineTuneRecipe.MaskedCrossEntropy(logits, someMissing, 0).item<float>();
        var none = FineTuneRecipe.MaskedCrossEntropy(logits, allMissing, 0).item<float>();

        // Rows 0 and 2: −log softmax picks; by hand: log(1 + e^-2) and log(1 + e^-2).
        Assert.Equal(Math.Log(1 + Math.Exp(-2)), loss, 5);
        Assert.Equal(0, none, 9);
    }
}

using System.Text.Json;
using TransferFunctions.Learning.Metrics;

namespace TransferFunctions.Learning.Tests.Metrics;

public sealed class BootstrapTests
{
    [Fact]
    public void Percentile_interpolates_linearly_between_order_statistics()
    {
        double[] sorted = [1, 2, 3, 4, 5];

        // position q·(n − 1): 0.25 → 1 → 2; 0.1 → 0.4 → 1 + 0.4·(2 − 1) = 1.4; 0.975 → 3.9 → 4.9.
        Assert.Equal(2.0, Bootstrap.Percentile(sorted, 0.25), 12);
        Assert.Equal(1.4, Bootstrap.Percentile(sorted, 0.1), 12);
        Assert.Equal(4.9, Bootstrap.Percentile(sorted, 0.975), 12);
    }

    [Fact]
    public void Same_seed_gives_the_same_interval_and_another_seed_a_different_one()
    {
        (int[] yTrue, int[] yPred) = Predictions(n: 500, accuracy: 0.8, seed: 1);

        BootstrapInterval first = Bootstrap.Accuracy(yTrue, yPred, new BootstrapOptions(Seed: 7));
        BootstrapInterval again = Bootstrap.Accuracy(yTrue, yPred, new BootstrapOptions(Seed: 7));
        BootstrapInterval other = Bootstrap.Accuracy(yTrue, yPred, new BootstrapOptions(Seed: 8));

        Assert.Equal(first, again);
        Assert.NotEqual((first.Lower, first.Upper), (other.Lower, other.Upper));
    }

    [Fact]
    public void Accuracy_interval_has_the_binomial_width()
    {
        // Binomial standard error at p = 0.8, n = 2000: √(0.8·0.2/2000) ≈ 0.00894; a 95% interval is ≈ ±1.96·SE, width ≈ 0.035.
        (int[] yTrue, int[] yPred) = Predictions(n: 2000, accuracy: 0.8, seed: 2);

        BootstrapInterval interval = Bootstrap.Accuracy(yTrue, yPred);

        Assert.Equal(yTrue.Zip(yPred).Count(p => p.First == p.Second) / 2000.0, interval.Estimate);
        Assert.InRange(interval.Upper - interval.Lower, 0.029, 0.041);
        Assert.InRange(interval.Estimate, interval.Lower, interval.Upper);
        Assert.Equal(0.95, interval.Level);
        Assert.Equal(1000, interval.Resamples);
    }

    [Fact]
    public void Perfect_predictions_give_a_point_interval_at_one()
    {
        int[] labels = [0, 1, 2, 1, 0];

        BootstrapInterval accuracy = Bootstrap.Accuracy(labels, labels);
        BootstrapInterval macroF1 = Bootstrap.MacroF1(labels, labels, classCount: 3);

        Assert.Equal((1.0, 1.0, 1.0), (accuracy.Estimate, accuracy.Lower, accuracy.Upper));
        Assert.Equal((1.0, 1.0, 1.0), (macroF1.Estimate, macroF1.Lower, macroF1.Upper));
    }

    [Fact]
    public void Macro_f1_estimate_equals_the_report_value()
    {
        (int[] yTrue, int[] yPred) = Predictions(n: 300, accuracy: 0.6, seed: 3);

        BootstrapInterval interval = Bootstrap.MacroF1(yTrue, yPred, classCount: 4, new BootstrapOptions(Resamples: 200));
        ClassificationReport report = ClassificationMetrics.Compute(yTrue, yPred, ["a", "b", "c", "d"]);

        Assert.Equal(report.MacroF1, interval.Estimate, 14);
        Assert.True(interval.Lower < interval.Estimate && interval.Estimate < interval.Upper, $"{interval}");
    }

    [Fact]
    public void Paired_difference_keeps_the_sign_when_one_model_never_loses()
    {
        // B equals A except on 20 examples A gets right and B wrong. Every paired resample has
        // accuracy(A) − accuracy(B) ≥ 0; unpaired resampling of two 70%-accurate models would straddle 0 widely.
        (int[] yTrue, int[] predA) = Predictions(n: 1000, accuracy: 0.7, seed: 4);
        int[] predB = (int[])predA.Clone();
        int flipped = 0;
        for (int i = 0; i < yTrue.Length && flipped < 20; i++)
        {
            if (predA[i] == yTrue[i])
            {
                predB[i] = (yTrue[i] + 1) % 4;
                flipped++;
            }
        }

        BootstrapInterval difference = Bootstrap.AccuracyDifference(yTrue, predA, predB);

        Assert.Equal(0.02, difference.Estimate, 12);
        Assert.True(difference.Lower >= 0, $"lower = {difference.Lower}");
        Assert.True(difference.Upper > difference.Estimate);
    }

    [Fact]
    public void Identical_models_have_a_zero_difference_interval()
    {
        (int[] yTrue, int[] pred) = Predictions(n: 200, accuracy: 0.5, seed: 5);

        BootstrapInterval difference = Bootstrap.AccuracyDifference(yTrue, pred, pred);

        Assert.Equal((0.0, 0.0, 0.0), (difference.Estimate, difference.Lower, difference.Upper));
    }

    [Fact]
    public void Level_outside_zero_one_is_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => Bootstrap.Accuracy([0], [0], new BootstrapOptions(Level: 95)));

        Assert.Contains("BootstrapOptions.Level", error.Message);
    }

    [Fact]
    public void Interval_serializes_with_system_text_json()
    {
        var interval = new BootstrapInterval(0.8, 0.78, 0.82, 0.95, 1000, 0);

        BootstrapInterval back = JsonSerializer.Deserialize<BootstrapInterval>(JsonSerializer.Serialize(interval))!;

        Assert.Equal(interval, back);
    }

    private static (int[] YTrue, int[] YPred) Predictions(int n, double accuracy, int seed)
    {
        var random = new Random(seed);
        var yTrue = new int[n];
        var yPred = new int[n];
        for (int i = 0; i < n; i++)
        {
            yTrue[i] = random.Next(4);
            yPred[i] = random.NextDouble() < accuracy ? yTrue[i] : (yTrue[i] + 1 + random.Next(3)) % 4;
        }

        return (yTrue, yPred);
    }
}

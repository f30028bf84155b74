using System.Text.Json;
using TransferFunctions.Learning.Metrics;

namespace TransferFunctions.Learning.Tests.Metrics;

public sealed class ClassificationMetricsTests
{
    private static readonly string[] ThreeClasses = ["A", "B", "C"];

    // Worked by hand (row = true, column = predicted):
    //   i:    0 1 2 3 4 5 6 7 8
    //   true: A A A B B C C C C
    //   pred: A A B B C C C B C
    //         A  B  C   support
    //   A   [ 2, 1, 0 ]    3
    //   B   [ 0, 1, 1 ]    2
    //   C   [ 0, 1, 3 ]    4
    //   predicted totals: A 2, B 3, C 4; correct = 2 + 1 + 3 = 6 of 9.
    //   precision A 2/2 = 1, B 1/3, C 3/4; recall A 2/3, B 1/2, C 3/4
    //   F1 = 2TP/(support + predicted): A 4/5, B 2/5, C 6/8 = 3/4; macro = (0.8 + 0.4 + 0.75)/3 = 0.65
    private static readonly int[] HandTrue = [0, 0, 0, 1, 1, 2, 2, 2, 2];
    private static readonly int[] HandPred = [0, 0, 1, 1, 2, 2, 2, 1, 2];

    [Fact]
    public void Three_class_report_matches_hand_computation()
    {
        ClassificationReport report = ClassificationMetrics.Compute(HandTrue, HandPred, ThreeClasses);

        Assert.Equal(9, report.ExampleCount);
        Assert.Equal(6.0 / 9, report.Accuracy, 12);
        Assert.Equal(0.65, report.MacroF1, 12);
        Assert.Equal(new[] { 2, 1, 0 }, report.ConfusionMatrix[0]);
        Assert.Equal(new[] { 0, 1, 1 }, report.ConfusionMatrix[1]);
        Assert.Equal(new[] { 0, 1, 3 }, report.ConfusionMatrix[2]);

        double[] precision = [1, 1.0 / 3, 0.75];
        double[] recall = [2.0 / 3, 0.5, 0.75];
        double[] f1 = [0.8, 0.4, 0.75];
        int[] support = [3, 2, 4];
        for (int c = 0; c < 3; c++)
        {
            PerClassMetrics m = report.PerClass[c];
            Assert.Equal(ThreeClasses[c], m.ClassName);
            Assert.Equal(precision[c], m.Precision, 12);
            Assert.Equal(recall[c], m.Recall, 12);
            Assert.Equal(f1[c], m.F1, 12);
            Assert.Equal(support[c], m.Support);
        }

        Assert.Null(report.ExpectedCalibrationError);
        Assert.Null(report.NegativeLogLikelihood);
    }

    [Fact]
    public void Never_predicted_class_has_zero_precision_and_counts_in_macro_f1()
    {
        // true [a, b], pred [a, a]: a: P = 1/2, R = 1, F1 = 2·1/(1 + 2) = 2/3; b: never predicted, P = R = F1 = 0.
        ClassificationReport report = ClassificationMetrics.Compute([0, 1], [0, 0], ["a", "b"]);

        Assert.Equal(0.0, report.PerClass[1].Precision);
        Assert.Equal(0.0, report.PerClass[1].Recall);
        Assert.Equal(0.5, report.PerClass[0].Precision, 12);
        Assert.Equal(2.0 / 3, report.PerClass[0].F1, 12);
        Assert.Equal(1.0 / 3, report.MacroF1, 12);
    }

    [Fact]
    public void Class_absent_from_truth_and_predictions_is_left_out_of_macro_f1()
    {
        ClassificationReport report = ClassificationMetrics.Compute(HandTrue, HandPred, ["A", "B", "C", "D"]);

        Assert.Equal(0.65, report.MacroF1, 12);
        Assert.Equal(new PerClassMetrics("D", 0, 0, 0, 0), report.PerClass[3]);
    }

    [Fact]
    public void Calibration_error_and_log_likelihood_match_hand_computation()
    {
        // confidence (max p), arg-max, truth, bin = ceil(15·conf) − 1:
        //   0.90 → 0, y 0, correct, 13.5 → bin 13
        //   0.92 → 0, y 1, wrong,   13.8 → bin 13
        //   0.65 → 1, y 1, correct,  9.75 → bin 9
        //   0.70 → 1, y 0, wrong,   10.5 → bin 10
        // bin 13: acc 1/2, conf 0.91, |gap| 0.41, weight 2/4 → 0.205
        // bin 9:  acc 1,   conf 0.65, |gap| 0.35, weight 1/4 → 0.0875
        // bin 10: acc 0,   conf 0.70, |gap| 0.70, weight 1/4 → 0.175      ECE = 0.4675
        // NLL = −(ln 0.9 + ln 0.08 + ln 0.65 + ln 0.3)/4
        int[] yTrue = [0, 1, 1, 0];
        int[] yPred = [0, 0, 1, 1];
        double[][] probabilities = [[0.9, 0.1], [0.92, 0.08], [0.35, 0.65], [0.3, 0.7]];

        ClassificationReport report = ClassificationMetrics.Compute(yTrue, yPred, ["x", "y"], probabilities);

        Assert.Equal(0.4675, report.ExpectedCalibrationError!.Value, 12);
        double expectedNll = -(Math.Log(0.9) + Math.Log(0.08) + Math.Log(0.65) + Math.Log(0.3)) / 4;
        Assert.Equal(expectedNll, report.NegativeLogLikelihood!.Value, 12);
        Assert.Equal(1.06646, report.NegativeLogLikelihood.Value, 5);
    }

    [Fact]
    public void Perfectly_confident_correct_predictions_have_zero_calibration_error_and_nll()
    {
        ClassificationReport report = ClassificationMetrics.Compute([0, 1], [0, 1], ["x", "y"], [[1.0, 0.0], [0.0, 1.0]]);

        Assert.Equal(0.0, report.ExpectedCalibrationError!.Value, 15);
        Assert.Equal(0.0, report.NegativeLogLikelihood!.Value, 15);
    }

    [Fact]
    public void Zero_true_class_probability_gives_finite_nll_from_the_floor()
    {
        ClassificationReport report = ClassificationMetrics.Compute([1], [0], ["x", "y"], [[1.0, 0.0]]);

        Assert.Equal(-Math.Log(ClassificationMetrics.ProbabilityFloor), report.NegativeLogLikelihood!.Value, 9);
    }

    [Fact]
    public void Label_outside_the_class_range_is_rejected_with_its_position()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationMetrics.Compute([0, 3], [0, 1], ThreeClasses));

        Assert.Contains("yTrue[1] = 3", error.Message);
    }

    [Fact]
    public void Mismatched_lengths_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute([0, 1], [0], ThreeClasses));

        Assert.Contains("yPred has 1 entries but yTrue has 2", error.Message);
    }

    [Fact]
    public void Logits_instead_of_probabilities_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(
            () => ClassificationMetrics.Compute([0], [0], ["x", "y"], [[0.9, 0.6]]));

        Assert.Contains("probabilities[0] sums to 1.5", error.Message);
    }

    [Fact]
    public void Report_round_trips_through_system_text_json()
    {
        ClassificationReport report = ClassificationMetrics.Compute(
            [0, 1, 1, 0], [0, 0, 1, 1], ["x", "y"], [[0.9, 0.1], [0.92, 0.08], [0.35, 0.65], [0.3, 0.7]]);

        string json = JsonSerializer.Serialize(report);
        ClassificationReport back = JsonSerializer.Deserialize<ClassificationReport>(json)!;

        Assert.Contains("\"ConfusionMatrix\":[[1,1],[1,1]]", json);
        Assert.Equal(report.Accuracy, back.Accuracy);
        Assert.Equal(report.MacroF1, back.MacroF1);
        Assert.Equal(report.ExpectedCalibrationError, back.ExpectedCalibrationError);
        Assert.Equal(report.NegativeLogLikelihood, back.NegativeLogLikelihood);
        Assert.Equal(report.PerClass, back.PerClass);
        Assert.Equal(report.Labels, back.Labels);
        Assert.Equal(report.ConfusionMatrix, back.ConfusionMatrix);
    }
}

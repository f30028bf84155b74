using TransferFunctions.Learning.Metrics;

namespace TransferFunctions.Learning.Evaluation;

/// <summary>One model measured on one labeled test set.</summary>
/// <param name="Report">Accuracy, macro-F1, per-class metrics, confusion matrix, calibration (ECE) and NLL.</param>
/// <param name="AccuracyInterval">Percentile-bootstrap 95% interval of the accuracy.</param>
/// <param name="MacroF1Interval">Percentile-bootstrap 95% interval of the macro-F1.</param>
/// <param name="Truth">True class of each example.</param>
/// <param name="Predictions">Predicted class and probabilities of each example.</param>
public sealed record EvaluationResult(ClassificationReport Report, BootstrapInterval AccuracyInterval, BootstrapInterval MacroF1Interval, int[] Truth, Predictions Predictions)
{
    public double Accuracy => Report.Accuracy;

    public bool[] Correct() => Truth.Select((t, i) => t == Predictions.Labels[i]).ToArray();
}

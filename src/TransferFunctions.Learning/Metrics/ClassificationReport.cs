namespace TransferFunctions.Learning.Metrics;

/// <summary>
/// Everything measured about one model's predictions on one evaluation set.
/// </summary>
/// <param name="ExampleCount">Number of evaluated examples.</param>
/// <param name="Accuracy">Fraction of examples predicted correctly.</param>
/// <param name="MacroF1">
/// Unweighted mean of per-class F1 over the classes that occur in the true or the predicted labels
/// (scikit-learn's default when it infers the labels); a class absent from both would otherwise add a
/// meaningless 0.
/// </param>
/// <param name="PerClass">Per-class metrics, in label-index order.</param>
/// <param name="Labels">Class names, indexed by label.</param>
/// <param name="ConfusionMatrix">Counts; row = true label, column = predicted label.</param>
/// <param name="ExpectedCalibrationError">
/// ECE over 15 equal-width confidence bins when probabilities were given, otherwise null.
/// </param>
/// <param name="NegativeLogLikelihood">
/// Mean of −ln p(true label) when probabilities were given (p clamped below at 1e-15), otherwise null.
/// </param>
public sealed record ClassificationReport(
    int ExampleCount,
    double Accuracy,
    double MacroF1,
    IReadOnlyList<PerClassMetrics> PerClass,
    IReadOnlyList<string> Labels,
    int[][] ConfusionMatrix,
    double? ExpectedCalibrationError,
    double? NegativeLogLikelihood);

namespace TransferFunctions.Learning.Metrics;

/// <summary>Computes a <see cref="ClassificationReport"/> from true labels, predicted labels and optional probabilities.</summary>
public static class ClassificationMetrics
{
    /// <summary>Number of equal-width confidence bins for the expected calibration error (Guo et al., 2017).</summary>
    public const int CalibrationBins = 15;

    /// <summary>Lower clamp on the true-class probability in the negative log likelihood, so one 0 does not make it infinite.</summary>
    public const double ProbabilityFloor = 1e-15;

    /// <summary>How far a probability row may sum from 1 before it is rejected (float softmax output is well inside this).</summary>
    public const double ProbabilitySumTolerance = 1e-3;

    /// <summary>
    /// Accuracy, macro-F1, per-class metrics and the confusion matrix; with <paramref name="probabilities"/> (one row
    /// of class probabilities per example) also the expected calibration error and the negative log likelihood.
    /// </summary>
    /// <remarks>
    /// ECE uses each row's maximum probability as the confidence and its arg-max as the prediction, so it describes
    /// the probabilities themselves; bins are (i/15, (i+1)/15], with confidence 0 in the first bin.
    /// </remarks>
    public static ClassificationReport Compute(
        int[] yTrue, int[] yPred, IReadOnlyList<string> labels, double[][]? probabilities = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0)
        {
            throw new ArgumentException("labels is empty; at least one class name is needed.", nameof(labels));
        }

        int classCount = labels.Count;
        MetricInputs.RequireLabels(yTrue, nameof(yTrue), classCount);
        MetricInputs.RequireLabels(yPred, nameof(yPred), classCount);
        MetricInputs.RequireSameLength(yTrue.Length, nameof(yTrue), yPred.Length, nameof(yPred));
        if (probabilities is not null)
        {
            RequireProbabilities(probabilities, yTrue.Length, classCount);
        }

        int n = yTrue.Length;
        var counts = new ClassCounts(classCount);
        var confusion = new int[classCount][];
        for (int c = 0; c < classCount; c++)
        {
            confusion[c] = new int[classCount];
        }

        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            counts.Add(yTrue[i], yPred[i]);
            confusion[yTrue[i]][yPred[i]]++;
            if (yTrue[i] == yPred[i])
            {
                correct++;
            }
        }

        var perClass = new PerClassMetrics[classCount];
        for (int c = 0; c < classCount; c++)
        {
            perClass[c] = new PerClassMetrics(labels[c], counts.Precision(c), counts.Recall(c), counts.F1(c), counts.Support(c));
        }

        return new ClassificationReport(
            ExampleCount: n,
            Accuracy: (double)correct / n,
            MacroF1: counts.MacroF1(),
            PerClass: perClass,
            Labels: labels.ToArray(),
            ConfusionMatrix: confusion,
            ExpectedCalibrationError: probabilities is null ? null : ExpectedCalibrationError(yTrue, probabilities),
            NegativeLogLikelihood: probabilities is null ? null : NegativeLogLikelihood(yTrue, probabilities));
    }

    /// <summary>
    /// Standard ECE: Σ_b |B_b|/n · |accuracy(B_b) − mean confidence(B_b)| over <see cref="CalibrationBins"/> equal-width
    /// bins of max-probability confidence.
    /// </summary>
    internal static double ExpectedCalibrationError(int[] yTrue, double[][] probabilities)
    {
        var binCount = new int[CalibrationBins];
        var binCorrect = new int[CalibrationBins];
        var binConfidence = new double[CalibrationBins];
        for (int i = 0; i < yTrue.Length; i++)
        {
            double[] row = probabilities[i];
            int argMax = 0;
            for (int c = 1; c < row.Length; c++)
            {
                if (row[c] > row[argMax])
                {
                    argMax = c;
                }
            }

            double confidence = Math.Clamp(row[argMax], 0.0, 1.0);
            int bin = Math.Clamp((int)Math.Ceiling(confidence * CalibrationBins) - 1, 0, CalibrationBins - 1);
            binCount[bin]++;
            binConfidence[bin] += confidence;
            if (argMax == yTrue[i])
            {
                binCorrect[bin]++;
            }
        }

        double ece = 0;
        for (int b = 0; b < CalibrationBins; b++)
        {
            if (binCount[b] > 0)
            {
                double gap = Math.Abs((double)binCorrect[b] / binCount[b] - binConfidence[b] / binCount[b]);
                ece += (double)binCount[b] / yTrue.Length * gap;
            }
        }

        return ece;
    }

    internal static double NegativeLogLikelihood(int[] yTrue, double[][] probabilities)
    {
        double sum = 0;
        for (int i = 0; i < yTrue.Length; i++)
        {
            sum -= Math.Log(Math.Max(probabilities[i][yTrue[i]], ProbabilityFloor));
        }

        return sum / yTrue.Length;
    }

    private static void RequireProbabilities(double[][] probabilities, int exampleCount, int classCount)
    {
        MetricInputs.RequireSameLength(exampleCount, "yTrue", probabilities.Length, nameof(probabilities));
        for (int i = 0; i < probabilities.Length; i++)
        {
            double[]? row = probabilities[i];
            if (row is null || row.Length != classCount)
            {
                throw new ArgumentException(
                    $"probabilities[{i}] has {row?.Length ?? 0} entries but there are {classCount} classes.", nameof(probabilities));
            }

            double sum = 0;
            for (int c = 0; c < classCount; c++)
            {
                if (!(row[c] >= 0 && row[c] <= 1))
                {
                    throw new ArgumentException(
                        $"probabilities[{i}][{c}] = {row[c]} is not a probability in [0, 1].", nameof(probabilities));
                }

                sum += row[c];
            }

            if (Math.Abs(sum - 1) > ProbabilitySumTolerance)
            {
                throw new ArgumentException(
                    $"probabilities[{i}] sums to {sum}, not 1; pass softmax outputs, not logits.", nameof(probabilities));
            }
        }
    }
}

namespace TransferFunctions.Learning.Metrics;

/// <summary>
/// Percentile bootstrap confidence intervals over evaluation examples. Percentiles interpolate linearly between
/// order statistics (NumPy's default), and resamples come from a seeded <see cref="System.Random"/>, so the same
/// inputs and options always give the same interval.
/// </summary>
public static class Bootstrap
{
    /// <summary>
    /// Interval for any statistic of <paramref name="exampleCount"/> examples. <paramref name="statistic"/> receives the
    /// indices of one resample (the identity for the estimate); the array is reused between calls, so do not keep it.
    /// </summary>
    public static BootstrapInterval ConfidenceInterval(
        int exampleCount, Func<int[], double> statistic, BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        options ??= BootstrapOptions.Default;
        if (exampleCount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(exampleCount), exampleCount, "The bootstrap needs at least one example.");
        }

        if (!(options.Level > 0 && options.Level < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Level, "BootstrapOptions.Level must lie strictly between 0 and 1.");
        }

        if (options.Resamples < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Resamples, "BootstrapOptions.Resamples must be at least 1.");
        }

        var indices = new int[exampleCount];
        for (int i = 0; i < exampleCount; i++)
        {
            indices[i] = i;
        }

        double estimate = statistic(indices);
        var random = new Random(options.Seed);
        var resampled = new double[options.Resamples];
        for (int r = 0; r < options.Resamples; r++)
        {
            for (int i = 0; i < exampleCount; i++)
            {
                indices[i] = random.Next(exampleCount);
            }

            resampled[r] = statistic(indices);
        }

        Array.Sort(resampled);
        double tail = (1 - options.Level) / 2;
        return new BootstrapInterval(
            estimate, Percentile(resampled, tail), Percentile(resampled, 1 - tail), options.Level, options.Resamples, options.Seed);
    }

    /// <summary>Interval for the accuracy of one model.</summary>
    public static BootstrapInterval Accuracy(int[] yTrue, int[] yPred, BootstrapOptions? options = null)
    {
        bool[] correct = Correctness(yTrue, nameof(yTrue), yPred, nameof(yPred));
        return ConfidenceInterval(correct.Length, indices => MeanOf(correct, indices), options);
    }

    /// <summary>Interval for the macro-F1 of one model (same averaging as <see cref="ClassificationReport.MacroF1"/>).</summary>
    public static BootstrapInterval MacroF1(int[] yTrue, int[] yPred, int classCount, BootstrapOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        MetricInputs.RequireLabels(yTrue, nameof(yTrue), classCount);
        MetricInputs.RequireLabels(yPred, nameof(yPred), classCount);
        MetricInputs.RequireSameLength(yTrue.Length, nameof(yTrue), yPred.Length, nameof(yPred));
        var counts = new ClassCounts(classCount);
        return ConfidenceInterval(
            yTrue.Length,
            indices =>
            {
                counts.Reset();
                foreach (int i in indices)
                {
                    counts.Add(yTrue[i], yPred[i]);
                }

                return counts.MacroF1();
            },
            options);
    }

    /// <summary>
    /// Interval for accuracy(A) − accuracy(B) of two models on the same examples. Each resample draws examples, not
    /// models, so the pairing (and the correlation between the models' errors) is kept.
    /// </summary>
    public static BootstrapInterval AccuracyDifference(int[] yTrue, int[] predA, int[] predB, BootstrapOptions? options = null)
    {
        bool[] correctA = Correctness(yTrue, nameof(yTrue), predA, nameof(predA));
        bool[] correctB = Correctness(yTrue, nameof(yTrue), predB, nameof(predB));
        return ConfidenceInterval(correctA.Length, indices => MeanOf(correctA, indices) - MeanOf(correctB, indices), options);
    }

    /// <summary>Percentile of sorted values, interpolating linearly between neighbours at position q·(n − 1).</summary>
    internal static double Percentile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        double fraction = position - below;
        return sorted[below] + (sorted[above] - sorted[below]) * fraction;
    }

    private static bool[] Correctness(int[] yTrue, string trueName, int[] yPred, string predName)
    {
        ArgumentNullException.ThrowIfNull(yTrue, trueName);
        ArgumentNullException.ThrowIfNull(yPred, predName);
        MetricInputs.RequireSameLength(yTrue.Length, trueName, yPred.Length, predName);
        var correct = new bool[yTrue.Length];
        for (int i = 0; i < yTrue.Length; i++)
        {
            correct[i] = yTrue[i] == yPred[i];
        }

        return correct;
    }

    private static double MeanOf(bool[] values, int[] indices)
    {
        int hits = 0;
        foreach (int i in indices)
        {
            if (values[i])
            {
                hits++;
            }
        }

        return (double)hits / indices.Length;
    }
}

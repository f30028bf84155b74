namespace TransferFunctions.Learning.Analysis;

/// <summary>Distances between the feature distributions of a source and a target domain.</summary>
public static class DomainDistance
{
    /// <summary>
    /// Unbiased squared MMD (Gretton et al., JMLR 2012) with the Gaussian kernel k(a, b) = exp(−‖a − b‖² / (2σ²)):
    /// mean k within source (i ≠ j) + mean k within target (i ≠ j) − 2·mean k across.
    /// </summary>
    /// <remarks>
    /// Median heuristic: unless <see cref="MmdOptions.Bandwidth"/> is set, σ is the median Euclidean distance over all
    /// pairs of the pooled (subsampled) rows, the middle two averaged for an even count. If more than half of the
    /// pairs coincide, σ falls back to the mean nonzero distance; if all rows coincide, MMD² is 0 for any σ and 1 is
    /// reported. Each side needs at least 2 rows.
    /// </remarks>
    public static MmdResult Mmd(double[][] source, double[][] target, MmdOptions? options = null)
    {
        options ??= MmdOptions.Default;
        int d = FeatureInputs.RequireMatrix(source, nameof(source), minimumRows: 2);
        int targetDimension = FeatureInputs.RequireMatrix(target, nameof(target), minimumRows: 2);
        if (d != targetDimension)
        {
            throw new ArgumentException(
                $"source rows have {d} columns but target rows have {targetDimension}; both domains need the same feature space.",
                nameof(target));
        }

        if (options.MaxSamplesPerSide < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxSamplesPerSide, "MmdOptions.MaxSamplesPerSide must be at least 2.");
        }

        if (options.Bandwidth is { } fixedWidth && !(fixedWidth > 0 && double.IsFinite(fixedWidth)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), fixedWidth, "MmdOptions.Bandwidth must be a positive finite number.");
        }

        var random = new Random(options.Seed);
        double[][] xs = Subsample(source, options.MaxSamplesPerSide, random);
        double[][] ys = Subsample(target, options.MaxSamplesPerSide, random);
        int m = xs.Length;
        int n = ys.Length;
        double[][] pooled = [.. xs, .. ys];

        // Pairs (i < j) of the pooled sample in row order; rows [0, m) are source, [m, m + n) target.
        var squaredDistances = new double[pooled.Length * (pooled.Length - 1) / 2];
        int pair = 0;
        for (int i = 0; i < pooled.Length; i++)
        {
            for (int j = i + 1; j < pooled.Length; j++)
            {
                squaredDistances[pair++] = SquaredDistance(pooled[i], pooled[j]);
            }
        }

        double? bandwidth = options.Bandwidth ?? MedianHeuristic(squaredDistances);
        if (bandwidth is null)
        {
            return new MmdResult(0, 1, m, n);
        }

        double scale = -1 / (2 * bandwidth.Value * bandwidth.Value);
        double withinSource = 0;
        double withinTarget = 0;
        double across = 0;
        pair = 0;
        for (int i = 0; i < pooled.Length; i++)
        {
            for (int j = i + 1; j < pooled.Length; j++)
            {
                double k = Math.Exp(scale * squaredDistances[pair++]);
                if (j < m)
                {
                    withinSource += k;
                }
                else if (i >= m)
                {
                    withinTarget += k;
                }
                else
                {
                    across += k;
                }
            }
        }

        // Each unordered within-pair stands for the two ordered pairs (i, j) and (j, i) of the i ≠ j sums.
        double mmd2 = 2 * withinSource / ((double)m * (m - 1))
            + 2 * withinTarget / ((double)n * (n - 1))
            - 2 * across / ((double)m * n);
        return new MmdResult(mmd2, bandwidth.Value, m, n);
    }

    /// <summary>
    /// Proxy A-distance (Ben-David et al., 2007): a logistic-regression domain classifier is trained on half of each
    /// side (balanced, features standardized with the training half's mean and deviation) and its error ε on the other
    /// half gives 2·(1 − 2ε). ε above ½ is held-out noise around chance and counts as ½, so the distance is never negative.
    /// </summary>
    public static ProxyADistanceResult ProxyADistance(double[][] source, double[][] target, ProxyADistanceOptions? options = null)
    {
        options ??= ProxyADistanceOptions.Default;
        int d = FeatureInputs.RequireMatrix(source, nameof(source), minimumRows: 2);
        int targetDimension = FeatureInputs.RequireMatrix(target, nameof(target), minimumRows: 2);
        if (d != targetDimension)
        {
            throw new ArgumentException(
                $"source rows have {d} columns but target rows have {targetDimension}; both domains need the same feature space.",
                nameof(target));
        }

        if (options.MaxSamplesPerSide < 2 || options.Iterations < 1 || !(options.L2 >= 0))
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options, "ProxyADistanceOptions needs MaxSamplesPerSide ≥ 2, Iterations ≥ 1 and L2 ≥ 0.");
        }

        var random = new Random(options.Seed);
        int perSide = Math.Min(options.MaxSamplesPerSide, Math.Min(source.Length, target.Length));
        double[][] xs = Subsample(source, perSide, random, always: true);
        double[][] ys = Subsample(target, perSide, random, always: true);
        int trainPerSide = perSide / 2;
        double[][] train = [.. xs[..trainPerSide], .. ys[..trainPerSide]];
        double[] trainLabels = [.. Enumerable.Repeat(0.0, trainPerSide), .. Enumerable.Repeat(1.0, trainPerSide)];
        double[][] test = [.. xs[trainPerSide..], .. ys[trainPerSide..]];
        int testSource = perSide - trainPerSide;

        (double[] mean, double[] scale) = Standardization(train);
        double[] weights = FitLogistic(Standardize(train, mean, scale), trainLabels, options.Iterations, options.L2);

        int errors = 0;
        double[][] standardizedTest = Standardize(test, mean, scale);
        for (int i = 0; i < test.Length; i++)
        {
            bool predictedTarget = Score(weights, standardizedTest[i]) > 0;
            if (predictedTarget != (i >= testSource))
            {
                errors++;
            }
        }

        double error = Math.Min((double)errors / test.Length, 0.5);
        return new ProxyADistanceResult(2 * (1 - 2 * error), error, train.Length, test.Length);
    }

    /// <summary>Median pairwise distance, the mean nonzero distance if that median is 0, or null if every distance is 0.</summary>
    internal static double? MedianHeuristic(double[] squaredDistances)
    {
        var distances = new double[squaredDistances.Length];
        for (int i = 0; i < distances.Length; i++)
        {
            distances[i] = Math.Sqrt(squaredDistances[i]);
        }

        Array.Sort(distances);
        int half = distances.Length / 2;
        double median = distances.Length % 2 == 1 ? distances[half] : (distances[half - 1] + distances[half]) / 2;
        if (median > 0)
        {
            return median;
        }

        double[] nonzero = distances.Where(x => x > 0).ToArray();
        return nonzero.Length == 0 ? null : nonzero.Average();
    }

    // `always` shuffles even when nothing needs dropping, so a following train/test split is random too.
    private static double[][] Subsample(double[][] rows, int limit, Random random, bool always = false)
    {
        if (rows.Length <= limit && !always)
        {
            return rows;
        }

        limit = Math.Min(limit, rows.Length);

        // Partial Fisher–Yates over indices: the first `limit` slots are a uniform sample without replacement.
        var order = Enumerable.Range(0, rows.Length).ToArray();
        for (int i = 0; i < limit; i++)
        {
            int j = random.Next(i, order.Length);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order.Take(limit).Select(i => rows[i]).ToArray();
    }

    private static (double[] Mean, double[] Scale) Standardization(double[][] rows)
    {
        int d = rows[0].Length;
        var mean = new double[d];
        var scale = new double[d];
        foreach (double[] row in rows)
        {
            for (int j = 0; j < d; j++)
            {
                mean[j] += row[j] / rows.Length;
            }
        }

        foreach (double[] row in rows)
        {
            for (int j = 0; j < d; j++)
            {
                scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / rows.Length;
            }
        }

        for (int j = 0; j < d; j++)
        {
            // A constant column carries no signal; dividing by 1 keeps it at 0 instead of dividing by 0.
            scale[j] = scale[j] > 1e-24 ? Math.Sqrt(scale[j]) : 1;
        }

        return (mean, scale);
    }

    private static double[][] Standardize(double[][] rows, double[] mean, double[] scale) =>
        rows.Select(row => row.Select((v, j) => (v - mean[j]) / scale[j]).ToArray()).ToArray();

    /// <summary>
    /// L2-regularized logistic regression by full-batch gradient descent. The step 1/L uses the Lipschitz bound
    /// L = ¼·mean‖x‖² + λ of the mean log-loss gradient (bias included as a constant feature), so it always descends.
    /// Returns d weights followed by the bias.
    /// </summary>
    private static double[] FitLogistic(double[][] rows, double[] labels, int iterations, double l2)
    {
        int d = rows[0].Length;
        var weights = new double[d + 1];
        var gradient = new double[d + 1];
        double meanNorm2 = rows.Average(r => r.Sum(v => v * v) + 1);
        double step = 1 / (0.25 * meanNorm2 + l2);
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            Array.Clear(gradient);
            for (int i = 0; i < rows.Length; i++)
            {
                double residual = 1 / (1 + Math.Exp(-Score(weights, rows[i]))) - labels[i];
                double[] row = rows[i];
                for (int j = 0; j < d; j++)
                {
                    gradient[j] += residual * row[j];
                }

                gradient[d] += residual;
            }

            for (int j = 0; j <= d; j++)
            {
                double decay = j < d ? l2 * weights[j] : 0;
                weights[j] -= step * (gradient[j] / rows.Length + decay);
            }
        }

        return weights;
    }

    private static double Score(double[] weights, double[] row)
    {
        double z = weights[row.Length];
        for (int j = 0; j < row.Length; j++)
        {
            z += weights[j] * row[j];
        }

        return z;
    }

    private static double SquaredDistance(double[] a, double[] b)
    {
        double sum = 0;
        for (int k = 0; k < a.Length; k++)
        {
            double diff = a[k] - b[k];
            sum += diff * diff;
        }

        return sum;
    }
}

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

    private static double[][] Subsample(double[][] rows, int limit, Random random)
    {
        if (rows.Length <= limit)
        {
            return rows;
        }

        // Partial Fisher–Yates over indices: the first `limit` slots are a uniform sample without replacement.
        var order = Enumerable.Range(0, rows.Length).ToArray();
        for (int i = 0; i < limit; i++)
        {
            int j = random.Next(i, order.Length);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order.Take(limit).Select(i => rows[i]).ToArray();
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

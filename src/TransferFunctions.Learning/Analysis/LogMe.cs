using TransferFunctions.Learning.Metrics;
using TransferFunctions.Learning.Numerics;

namespace TransferFunctions.Learning.Analysis;

/// <summary>
/// LogME transferability (You et al., ICML 2021, "LogME: Practical Assessment of Pre-trained Models for Transfer
/// Learning"): how well a Bayesian linear model on frozen features explains the labels, as maximized log evidence.
/// </summary>
/// <remarks>
/// For each class's one-hot target y, with weights w ~ N(0, α⁻¹I) and y ~ N(Fw, β⁻¹I), the evidence
/// log p(y | F, α, β) is maximized over α and β by MacKay's fixed-point iterations, using the eigendecomposition of
/// FᵀF (d×d) when n ≥ d and of FFᵀ (n×n) otherwise; the result is divided by n and averaged over the classes present.
/// Features are used as given (no centering). The eigendecomposition is cyclic Jacobi on the smaller Gram matrix, so
/// min(n, d) should stay ≤ 512 (d = 128, n = 5000 takes a fraction of a second) and may not exceed 2048.
/// </remarks>
public static class LogMe
{
    /// <summary>Fixed-point iterations stop when α/β changes by less than this fraction.</summary>
    public const double RelativeTolerance = 1e-10;

    /// <summary>Upper bound on fixed-point iterations per class; convergence is linear, typically tens to a few hundred steps of O(min(n, d)).</summary>
    public const int MaxIterations = 1000;

    /// <summary>Eigenvalues below this fraction of the largest are treated as zero (directions the features do not span).</summary>
    public const double RankTolerance = 1e-10;

    /// <summary>
    /// α/β is capped at this multiple of the largest eigenvalue, where the prior has shrunk every weight to nothing.
    /// When the features explain none of the target the evidence rises towards its α → ∞ limit; the cap reaches that
    /// limit to within ~1e-12 instead of running α off to infinity.
    /// </summary>
    public const double NoSignalRatio = 1e12;

    /// <summary>
    /// β is capped at this multiple of n/‖y‖² (noise at least 1e-5 of the target's RMS). A target lying exactly in the
    /// span of fewer than n feature directions (possible when n ≤ d) otherwise has unbounded evidence as β → ∞; the
    /// authors' implementation bounds it likewise, by adding 1e-5 to the update denominators.
    /// </summary>
    public const double MaxBetaRatio = 1e10;

    // Relative size below which ‖y‖² − Σx² is rounding error, not a part of y outside the span of F.
    private const double SpanTolerance = 1e-12;

    // Keeps α = γ/‖m‖² and β = (n−γ)/‖Fm−y‖² finite when a target is fitted exactly.
    private const double DivisionFloor = 1e-300;

    public static double Score(double[][] features, int[] labels, int classes) => Evaluate(features, labels, classes).Score;

    public static double Score(double[,] features, int[] labels, int classes) =>
        Evaluate(RowMajor.ToRows(features), labels, classes).Score;

    /// <summary>The LogME score with each class's evidence and fixed-point precisions.</summary>
    public static LogMeResult Evaluate(double[][] features, int[] labels, int classes) =>
        Evaluate(features, labels, classes, useSampleGram: null);

    // useSampleGram: null picks the smaller Gram matrix; tests force either to check both paths agree.
    internal static LogMeResult Evaluate(double[][] features, int[] labels, int classes, bool? useSampleGram)
    {
        int d = FeatureInputs.RequireMatrix(features, nameof(features));
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        MetricInputs.RequireLabels(labels, nameof(labels), classes);
        MetricInputs.RequireSameLength(features.Length, nameof(features), labels.Length, nameof(labels));
        int n = features.Length;

        var classSizes = new int[classes];
        foreach (int label in labels)
        {
            classSizes[label]++;
        }

        Spectrum spectrum = (useSampleGram ?? n < d)
            ? SampleSpectrum(features, labels, classes, classSizes)
            : FeatureSpectrum(features, labels, classes, classSizes);

        var perClass = new List<LogMeClassEvidence>();
        for (int c = 0; c < classes; c++)
        {
            // An absent class has an all-zero target, whose evidence grows without bound as β → ∞.
            if (classSizes[c] > 0)
            {
                perClass.Add(MaximizeEvidence(c, spectrum.Sigma, spectrum.Projections[c], classSizes[c], n));
            }
        }

        return new LogMeResult(perClass.Average(e => e.Evidence), perClass, n, d);
    }

    /// <summary>
    /// Log evidence of target y at (α, β), written in the eigenbasis of FᵀF: sigma holds its nonzero eigenvalues, x2
    /// the squared projections of y on the matching left singular vectors of F, and outsideSpan = ‖y‖² − Σ x2 the part
    /// of y that no linear model on F can fit.
    /// </summary>
    internal static double LogEvidence(double[] sigma, double[] x2, double outsideSpan, int n, double alpha, double beta)
    {
        (double weightNorm2, double residual2, _, _) = Statistics(sigma, x2, outsideSpan, n, alpha / beta);
        double logDet = 0;
        foreach (double s in sigma)
        {
            logDet += Math.Log(alpha + beta * s);
        }

        // d/2·ln α − ½ln|αI + βFᵀF| leaves r/2·ln α − ½Σ ln(α + βσ) with r nonzero eigenvalues: null directions cancel.
        return 0.5 * sigma.Length * Math.Log(alpha) + 0.5 * n * Math.Log(beta) - 0.5 * logDet
            - 0.5 * beta * residual2 - 0.5 * alpha * weightNorm2 - 0.5 * n * Math.Log(2 * Math.PI);
    }

    private static LogMeClassEvidence MaximizeEvidence(int classIndex, double[] sigma, double[] x2All, int classSize, int n)
    {
        double inSpan = 0;
        foreach (double v in x2All)
        {
            inSpan += v;
        }

        // ‖y‖² = classSize for an indicator; a remainder at rounding level means y lies in the span of F.
        double outsideSpan = classSize - inSpan;
        if (outsideSpan <= SpanTolerance * classSize)
        {
            outsideSpan = 0;
        }

        double maxBeta = MaxBetaRatio * n / classSize;
        double ceiling = NoSignalRatio * (sigma.Length == 0 ? 1 : sigma.Max());
        double alpha = 1;
        double beta = 1;
        int iteration = 0;
        while (iteration < MaxIterations)
        {
            iteration++;
            double t = alpha / beta;
            Moments moments = Statistics(sigma, x2All, outsideSpan, n, t);
            alpha = Math.Max(moments.Gamma / Math.Max(moments.WeightNorm2, DivisionFloor), DivisionFloor);
            beta = Math.Clamp(moments.ResidualDegrees / Math.Max(moments.Residual2, DivisionFloor), DivisionFloor, maxBeta);
            alpha = Math.Min(alpha, ceiling * beta);
            double next = alpha / beta;
            if (Math.Abs(next - t) <= RelativeTolerance * t)
            {
                break;
            }
        }

        double evidence = LogEvidence(sigma, x2All, outsideSpan, n, alpha, beta) / n;
        if (!double.IsFinite(evidence))
        {
            throw new InvalidOperationException(
                $"LogME evidence for class {classIndex} is {evidence} (α = {alpha}, β = {beta}); the features are degenerate for this target.");
        }

        return new LogMeClassEvidence(classIndex, evidence, alpha, beta, iteration);
    }

    private readonly record struct Moments(double WeightNorm2, double Residual2, double Gamma, double ResidualDegrees);

    /// <summary>
    /// At t = α/β: ‖m‖² = Σ σx²/(t+σ)², ‖Fm − y‖² = Σ x²·(t/(t+σ))² + outsideSpan, γ = Σ σ/(σ+t) (effective number
    /// of parameters) and n − γ, summed as (n − r) + Σ t/(σ+t) so it does not cancel to 0 or below when t ≪ σ.
    /// </summary>
    private static Moments Statistics(double[] sigma, double[] x2, double outsideSpan, int n, double t)
    {
        double weightNorm2 = 0;
        double residual2 = outsideSpan;
        double gamma = 0;
        double residualDegrees = n - sigma.Length;
        for (int i = 0; i < sigma.Length; i++)
        {
            double s = sigma[i];
            double denominator = t + s;
            weightNorm2 += s * x2[i] / (denominator * denominator);
            double shrink = t / denominator;
            residual2 += x2[i] * shrink * shrink;
            gamma += s / denominator;
            residualDegrees += shrink;
        }

        return new Moments(weightNorm2, residual2, gamma, residualDegrees);
    }

    /// <summary>Nonzero eigenvalues σ of FᵀF and, per class, the squared projections x² of its indicator on Fv/√σ.</summary>
    private sealed record Spectrum(double[] Sigma, double[][] Projections);

    private static Spectrum FeatureSpectrum(double[][] features, int[] labels, int classes, int[] classSizes)
    {
        int d = features[0].Length;
        var gram = new double[d * d];
        var classSums = new double[classes][];
        for (int c = 0; c < classes; c++)
        {
            classSums[c] = new double[d];
        }

        for (int i = 0; i < features.Length; i++)
        {
            double[] row = features[i];
            for (int j = 0; j < d; j++)
            {
                double fj = row[j];
                if (fj == 0)
                {
                    continue;
                }

                Span<double> gramRow = gram.AsSpan(j * d, d);
                for (int k = j; k < d; k++)
                {
                    gramRow[k] += fj * row[k];
                }
            }

            // Fᵀy for a class indicator y is the sum of that class's feature rows.
            double[] sum = classSums[labels[i]];
            for (int j = 0; j < d; j++)
            {
                sum[j] += row[j];
            }
        }

        for (int j = 0; j < d; j++)
        {
            for (int k = j + 1; k < d; k++)
            {
                gram[k * d + j] = gram[j * d + k];
            }
        }

        (double[] values, double[] vectors) = SymmetricEigen.Decompose(gram, d);
        return ProjectClasses(values, classes, classSizes, (c, j, sigma) =>
        {
            // uᵀy = vᵀFᵀy / √σ, so x² = (vᵀFᵀy)² / σ.
            ReadOnlySpan<double> v = vectors.AsSpan(j * d, d);
            double z = 0;
            for (int k = 0; k < d; k++)
            {
                z += v[k] * classSums[c][k];
            }

            return z * z / sigma;
        });
    }

    private static Spectrum SampleSpectrum(double[][] features, int[] labels, int classes, int[] classSizes)
    {
        int n = features.Length;
        var gram = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                double dot = Dot(features[i], features[j]);
                gram[i * n + j] = dot;
                gram[j * n + i] = dot;
            }
        }

        (double[] values, double[] vectors) = SymmetricEigen.Decompose(gram, n);
        return ProjectClasses(values, classes, classSizes, (c, j, _) =>
        {
            ReadOnlySpan<double> u = vectors.AsSpan(j * n, n);
            double x = 0;
            for (int i = 0; i < n; i++)
            {
                if (labels[i] == c)
                {
                    x += u[i];
                }
            }

            return x * x;
        });
    }

    /// <summary>
    /// The spectrum over the nonzero eigenvalues, with each class indicator's squared projection on each kept
    /// eigenvector; <paramref name="squaredProjection"/> gets (class, eigenvector index, eigenvalue). Empty classes project to 0.
    /// </summary>
    private static Spectrum ProjectClasses(double[] values, int classes, int[] classSizes, Func<int, int, double, double> squaredProjection)
    {
        int[] kept = NonzeroEigenvalues(values);
        var sigma = kept.Select(j => values[j]).ToArray();
        var projections = new double[classes][];
        for (int c = 0; c < classes; c++)
        {
            projections[c] = new double[kept.Length];
            if (classSizes[c] == 0)
            {
                continue;
            }

            for (int r = 0; r < kept.Length; r++)
            {
                projections[c][r] = squaredProjection(c, kept[r], sigma[r]);
            }
        }

        return new Spectrum(sigma, projections);
    }

    private static int[] NonzeroEigenvalues(double[] values)
    {
        double largest = values.Length == 0 ? 0 : values.Max();
        double threshold = Math.Max(largest * RankTolerance, double.Epsilon);
        return Enumerable.Range(0, values.Length).Where(j => values[j] > threshold).ToArray();
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int k = 0; k < a.Length; k++)
        {
            sum += a[k] * b[k];
        }

        return sum;
    }
}

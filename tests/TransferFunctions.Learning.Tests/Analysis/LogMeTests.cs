using System.Text.Json;
using TransferFunctions.Learning.Analysis;

namespace TransferFunctions.Learning.Tests.Analysis;

public sealed class LogMeTests
{
    [Fact]
    public void One_dimensional_evidence_equals_the_gaussian_marginal_likelihood_at_its_maximum()
    {
        // Class 1 sits at positive f and class 0 at negative f, so both indicators are partly explained by f
        // (fᵀy = 4.3 and −3.0) and each evidence peaks at finite α, β.
        double[] f = [-0.5, 1.2, -0.3, 2.0, 1.1, -1.4, -0.8];
        int[] labels = [0, 1, 0, 1, 1, 0, 0];
        double[][] features = f.Select(v => new[] { v }).ToArray();

        LogMeResult result = LogMe.Evaluate(features, labels, classes: 2);

        foreach (LogMeClassEvidence evidence in result.PerClass)
        {
            double[] y = labels.Select(l => l == evidence.ClassIndex ? 1.0 : 0.0).ToArray();
            double atFixedPoint = DirectLogEvidence(f, y, evidence.Alpha, evidence.Beta);
            Assert.Equal(atFixedPoint / f.Length, evidence.Evidence, 10);

            // The fixed point is where the evidence peaks: moving α or β by 2% either way lowers it.
            foreach ((double da, double db) in new[] { (1.02, 1.0), (0.98, 1.0), (1.0, 1.02), (1.0, 0.98) })
            {
                Assert.True(DirectLogEvidence(f, y, evidence.Alpha * da, evidence.Beta * db) < atFixedPoint);
            }
        }

        Assert.Equal(result.PerClass.Average(e => e.Evidence), result.Score, 14);
    }

    [Fact]
    public void Target_orthogonal_to_the_features_reaches_the_no_weight_limit()
    {
        // fᵀy = 1 − 1 = 0 for class 0: no weight helps, the evidence climbs to its α → ∞ limit where
        // y ~ N(0, β⁻¹I) with β = n/‖y‖²: log p = −n/2·ln 2π + n/2·ln(n/‖y‖²) − n/2.
        double[][] features = [[1], [-1], [3], [0.5]];
        int[] labels = [0, 0, 1, 1];

        LogMeClassEvidence evidence = LogMe.Evaluate(features, labels, classes: 2).PerClass[0];

        double n = 4;
        double limit = -n / 2 * Math.Log(2 * Math.PI) + n / 2 * Math.Log(n / 2) - n / 2;
        Assert.Equal(limit / n, evidence.Evidence, 8);
        Assert.Equal(2.0, evidence.Beta, 8);
    }

    [Fact]
    public void Evidence_formula_matches_the_marginal_likelihood_away_from_the_maximum()
    {
        // d = 1: σ = ‖f‖², x² = (fᵀy)²/‖f‖², outside span = ‖y‖² − x².
        double[] f = [1, 2, 2];
        double[] y = [1, 0, 1];
        double fy = 3;
        double ff = 9;
        double x2 = fy * fy / ff;

        double formula = LogMe.LogEvidence([ff], [x2], outsideSpan: 2 - x2, n: 3, alpha: 0.7, beta: 2.5);

        Assert.Equal(DirectLogEvidence(f, y, 0.7, 2.5), formula, 12);
    }

    [Theory]
    [InlineData(12, 5)]
    [InlineData(5, 12)]
    public void Feature_and_sample_gram_paths_give_the_same_score(int n, int d)
    {
        var random = new Random(n * 100 + d);
        double[][] features = Gaussian.Matrix(random, n, d);
        int[] labels = Enumerable.Range(0, n).Select(i => i % 3).ToArray();

        LogMeResult viaFeatures = LogMe.Evaluate(features, labels, 3, useSampleGram: false);
        LogMeResult viaSamples = LogMe.Evaluate(features, labels, 3, useSampleGram: true);

        Assert.Equal(viaFeatures.Score, viaSamples.Score, 8);
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(viaFeatures.PerClass[c].Evidence, viaSamples.PerClass[c].Evidence, 8);
        }
    }

    [Fact]
    public void Features_that_separate_the_labels_score_higher_than_random_features()
    {
        const int n = 600;
        const int d = 16;
        var random = new Random(3);
        int[] labels = Enumerable.Range(0, n).Select(_ => random.Next(3)).ToArray();
        double[][] separating = Gaussian.Matrix(random, n, d);
        for (int i = 0; i < n; i++)
        {
            separating[i][labels[i]] += 4;
        }

        double[][] noise = Gaussian.Matrix(random, n, d);

        double good = LogMe.Score(separating, labels, 3);
        double bad = LogMe.Score(noise, labels, 3);

        Assert.True(good > bad + 0.1, $"separating {good}, random {bad}");
    }

    [Fact]
    public void Two_dimensional_array_overload_gives_the_same_score()
    {
        var random = new Random(5);
        double[][] rows = Gaussian.Matrix(random, 30, 4);
        var matrix = new double[30, 4];
        for (int i = 0; i < 30; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                matrix[i, j] = rows[i][j];
            }
        }

        int[] labels = Enumerable.Range(0, 30).Select(i => i % 2).ToArray();

        Assert.Equal(LogMe.Score(rows, labels, 2), LogMe.Score(matrix, labels, 2));
    }

    [Fact]
    public void Absent_class_is_skipped()
    {
        var random = new Random(6);
        double[][] features = Gaussian.Matrix(random, 20, 3);
        int[] labels = Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? 0 : 2).ToArray();

        LogMeResult result = LogMe.Evaluate(features, labels, classes: 3);

        Assert.Equal(new[] { 0, 2 }, result.PerClass.Select(e => e.ClassIndex));
        Assert.True(double.IsFinite(result.Score));
        Assert.Contains("\"Score\":", JsonSerializer.Serialize(result));
    }

    /// <summary>At a real feature size (its speed is the transfer bench's business, not a test's), the score does not depend on row order.</summary>
    [Fact]
    public void Dimension_128_with_5000_examples_scores_the_same_in_any_row_order()
    {
        var random = new Random(7);
        double[][] features = Gaussian.Matrix(random, 5000, 128);
        int[] labels = Enumerable.Range(0, 5000).Select(_ => random.Next(10)).ToArray();
        int[] order = Enumerable.Range(0, 5000).OrderBy(_ => random.Next()).ToArray();

        double score = LogMe.Score(features, labels, 10);
        double shuffled = LogMe.Score(order.Select(i => features[i]).ToArray(), order.Select(i => labels[i]).ToArray(), 10);

        Assert.True(double.IsFinite(score));
        Assert.Equal(score, shuffled, 1e-9);
    }

    [Fact]
    public void Ragged_feature_rows_are_rejected_with_the_row_index()
    {
        var error = Assert.Throws<ArgumentException>(() => LogMe.Score([[1, 2], [3]], [0, 1], 2));

        Assert.Contains("features[1] has 1 columns", error.Message);
    }

    /// <summary>
    /// log N(y; 0, C) with C = β⁻¹I + α⁻¹ffᵀ, by the matrix determinant lemma and Sherman–Morrison:
    /// ln|C| = −n ln β + ln(1 + β‖f‖²/α), yᵀC⁻¹y = β‖y‖² − β²(fᵀy)²/(α + β‖f‖²).
    /// </summary>
    private static double DirectLogEvidence(double[] f, double[] y, double alpha, double beta)
    {
        int n = f.Length;
        double ff = f.Sum(v => v * v);
        double fy = f.Zip(y).Sum(p => p.First * p.Second);
        double yy = y.Sum(v => v * v);
        double logDet = -n * Math.Log(beta) + Math.Log(1 + beta * ff / alpha);
        double quadratic = beta * yy - beta * beta * fy * fy / (alpha + beta * ff);
        return -0.5 * n * Math.Log(2 * Math.PI) - 0.5 * logDet - 0.5 * quadratic;
    }
}

using TransferFunctions.Learning.Analysis;

namespace TransferFunctions.Learning.Tests.Analysis;

public sealed class DomainDistanceTests
{
    // Source {0, 1}, target {2, 3} on a line. Pair distances: within source 1, within target 1,
    // across |0−2| = 2, |0−3| = 3, |1−2| = 1, |1−3| = 2. With k(d) = exp(−d²/(2σ²)):
    // MMD² = k(1)·2/(2·1) + k(1)·2/(2·1) − 2·(k(2) + k(3) + k(1) + k(2))/(2·2) = 1.5k(1) − k(2) − 0.5k(3).
    private static readonly double[][] Source = [[0], [1]];
    private static readonly double[][] Target = [[2], [3]];

    private static double Kernel(double distance, double sigma) => Math.Exp(-distance * distance / (2 * sigma * sigma));

    private static double HandMmd(double sigma) => 1.5 * Kernel(1, sigma) - Kernel(2, sigma) - 0.5 * Kernel(3, sigma);

    [Fact]
    public void Two_points_per_side_match_hand_computation_with_a_fixed_bandwidth()
    {
        MmdResult result = DomainDistance.Mmd(Source, Target, new MmdOptions(Bandwidth: 1));

        // 1.5·e^−0.5 − e^−2 − 0.5·e^−4.5 ≈ 0.909796 − 0.135335 − 0.005554 = 0.768907
        Assert.Equal(HandMmd(1), result.SquaredMmd, 12);
        Assert.Equal(0.7689, result.SquaredMmd, 4);
        Assert.Equal((2, 2), (result.SourceSamples, result.TargetSamples));
    }

    [Fact]
    public void Median_heuristic_uses_the_median_pooled_pair_distance()
    {
        // Pooled distances sorted: 1, 1, 1, 2, 2, 3 → median (1 + 2)/2 = 1.5.
        MmdResult result = DomainDistance.Mmd(Source, Target);

        Assert.Equal(1.5, result.Bandwidth, 12);
        Assert.Equal(HandMmd(1.5), result.SquaredMmd, 12);
    }

    [Fact]
    public void Samples_from_the_same_distribution_are_near_zero_and_a_shifted_mean_is_far()
    {
        var random = new Random(21);
        double[][] source = Gaussian.Matrix(random, 300, 5);
        double[][] same = Gaussian.Matrix(random, 300, 5);
        double[][] shifted = Gaussian.Matrix(random, 300, 5, mean: 1);

        double near = DomainDistance.Mmd(source, same).SquaredMmd;
        double far = DomainDistance.Mmd(source, shifted).SquaredMmd;

        Assert.InRange(near, -0.01, 0.01);
        Assert.True(far > 0.1, $"shifted MMD² = {far}");
        Assert.True(far > 20 * Math.Abs(near), $"shifted {far}, same {near}");
    }

    [Fact]
    public void Large_sides_are_subsampled_reproducibly()
    {
        var random = new Random(22);
        double[][] source = Gaussian.Matrix(random, 1500, 3);
        double[][] target = Gaussian.Matrix(random, 40, 3, mean: 0.5);

        MmdResult first = DomainDistance.Mmd(source, target, new MmdOptions(MaxSamplesPerSide: 100, Seed: 3));
        MmdResult again = DomainDistance.Mmd(source, target, new MmdOptions(MaxSamplesPerSide: 100, Seed: 3));
        MmdResult other = DomainDistance.Mmd(source, target, new MmdOptions(MaxSamplesPerSide: 100, Seed: 4));

        Assert.Equal((100, 40), (first.SourceSamples, first.TargetSamples));
        Assert.Equal(first, again);
        Assert.NotEqual(first.SquaredMmd, other.SquaredMmd);
    }

    [Fact]
    public void Identical_points_everywhere_give_zero()
    {
        MmdResult result = DomainDistance.Mmd([[1, 1], [1, 1]], [[1, 1], [1, 1], [1, 1]]);

        Assert.Equal(0.0, result.SquaredMmd);
    }

    [Fact]
    public void Different_feature_dimensions_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => DomainDistance.Mmd([[0, 0], [1, 1]], [[0], [1]]));

        Assert.Contains("source rows have 2 columns but target rows have 1", error.Message);
    }

    [Fact]
    public void A_single_row_side_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => DomainDistance.Mmd([[0]], [[0], [1]]));

        Assert.Contains("source has 1 rows; at least 2", error.Message);
    }

    [Fact]
    public void Proxy_a_distance_is_near_zero_for_one_domain_and_near_two_for_separated_domains()
    {
        var random = new Random(23);
        double[][] source = Gaussian.Matrix(random, 400, 8);
        double[][] same = Gaussian.Matrix(random, 400, 8);
        double[][] separated = Gaussian.Matrix(random, 400, 8);
        foreach (double[] row in separated)
        {
            row[2] += 6;
        }

        ProxyADistanceResult near = DomainDistance.ProxyADistance(source, same);
        ProxyADistanceResult far = DomainDistance.ProxyADistance(source, separated);

        // At chance the held-out error has standard deviation √(¼/400) = 0.025, i.e. 0.1 of distance: 0.4 is 4σ.
        Assert.InRange(near.Distance, 0, 0.4);
        Assert.InRange(far.Distance, 1.9, 2);
        Assert.Equal(2 * (1 - 2 * far.ClassifierError), far.Distance, 12);
        Assert.Equal((400, 400), (far.TrainExamples, far.TestExamples));
    }

    [Fact]
    public void Proxy_a_distance_balances_the_sides_and_is_reproducible()
    {
        var random = new Random(24);
        double[][] source = Gaussian.Matrix(random, 300, 4);
        double[][] target = Gaussian.Matrix(random, 60, 4, mean: 0.7);

        ProxyADistanceResult first = DomainDistance.ProxyADistance(source, target, new ProxyADistanceOptions(Seed: 5));
        ProxyADistanceResult again = DomainDistance.ProxyADistance(source, target, new ProxyADistanceOptions(Seed: 5));

        Assert.Equal(first, again);
        Assert.Equal((60, 60), (first.TrainExamples, first.TestExamples));
        Assert.InRange(first.Distance, 0, 2);
    }
}

using System.Numerics;
using System.Text.Json;
using TransferFunctions.Learning.Metrics;

namespace TransferFunctions.Learning.Tests.Metrics;

public sealed class McNemarTests
{
    [Fact]
    public void One_against_six_discordant_gives_p_one_eighth()
    {
        // X ~ Bin(7, ½): P[X ≤ 1] = (1 + 7)/128 = 1/16, so p = 2/16 = 0.125.
        bool[] correctA = [true, false, false, false, false, false, false, true, false];
        bool[] correctB = [false, true, true, true, true, true, true, true, false];

        McNemarResult result = McNemar.ExactTest(correctA, correctB);

        Assert.Equal(1, result.OnlyACorrect);
        Assert.Equal(6, result.OnlyBCorrect);
        Assert.Equal(0.125, result.PValue, 14);
    }

    [Fact]
    public void No_discordant_pairs_gives_p_one()
    {
        McNemarResult result = McNemar.ExactTest([true, false, true], [true, false, true]);

        Assert.Equal(new McNemarResult(0, 0, 1.0), result);
    }

    [Fact]
    public void Equal_discordant_counts_cap_p_at_one()
    {
        // b = c = 2: 2·P[X ≤ 2 | n = 4] = 2·11/16 > 1.
        Assert.Equal(1.0, McNemar.ExactPValue(2, 2));
    }

    [Fact]
    public void P_value_is_symmetric_in_the_two_models()
    {
        Assert.Equal(McNemar.ExactPValue(3, 11), McNemar.ExactPValue(11, 3));
    }

    [Fact]
    public void Large_counts_match_exact_big_integer_arithmetic()
    {
        const int b = 1450;
        const int c = 1550;
        const int n = b + c;

        // Σ_{i ≤ 1450} C(3000, i) exactly, then p = 2·sum / 2^3000, read out at 2^-80 resolution.
        BigInteger binomial = BigInteger.One;
        BigInteger sum = BigInteger.One;
        for (int i = 0; i < b; i++)
        {
            binomial = binomial * (n - i) / (i + 1);
            sum += binomial;
        }

        BigInteger scaled = (2 * sum << 80) >> n;
        double expected = (double)scaled / Math.Pow(2, 80);

        double p = McNemar.ExactPValue(b, c);

        Assert.InRange(expected, 0.05, 0.1);
        Assert.Equal(expected, p, 10);
    }

    [Fact]
    public void Overwhelming_difference_gives_a_tiny_finite_p()
    {
        double p = McNemar.ExactPValue(0, 5000);

        Assert.True(p >= 0 && p < 1e-300, $"p = {p}");
        Assert.True(double.IsFinite(McNemar.ExactPValue(10, 5000)));
    }

    [Fact]
    public void Result_serializes_with_its_field_names()
    {
        string json = JsonSerializer.Serialize(new McNemarResult(1, 6, 0.125));

        Assert.Equal("{\"OnlyACorrect\":1,\"OnlyBCorrect\":6,\"PValue\":0.125}", json);
    }
}

namespace TransferFunctions.Torch.Tests;

public class RandomTests
{
    private static (float[] Rand, float[] Randn, long[] RandInt, long[] Perm, float[] Bernoulli) Draw(ulong seed)
    {
        torch.ManualSeed(seed);
        using var scope = torch.NewDisposeScope();
        return (
            torch.Rand(new long[] { 50 }).ToArray<float>(),
            torch.Randn(new long[] { 50 }).ToArray<float>(),
            torch.RandInt(-3, 7, new long[] { 50 }).ToArray<long>(),
            torch.RandPerm(50).ToArray<long>(),
            torch.Bernoulli(torch.Full(new long[] { 50 }, 0.5)).ToArray<float>());
    }

    [Fact]
    public void Manual_seed_makes_every_generator_reproducible()
    {
        var first = Draw(1234);
        var second = Draw(1234);
        Assert.Equal(first.Rand, second.Rand);
        Assert.Equal(first.Randn, second.Randn);
        Assert.Equal(first.RandInt, second.RandInt);
        Assert.Equal(first.Perm, second.Perm);
        Assert.Equal(first.Bernoulli, second.Bernoulli);
    }

    [Fact]
    public void Different_seeds_give_different_draws()
    {
        var a = Draw(1);
        var b = Draw(2);
        Assert.NotEqual(a.Rand, b.Rand);
        Assert.NotEqual(a.Randn, b.Randn);
        Assert.NotEqual(a.Perm, b.Perm);
    }

    [Fact]
    public void Draws_respect_their_ranges()
    {
        var d = Draw(7);
        Assert.All(d.Rand, v => Assert.InRange(v, 0f, 1f - float.Epsilon / 2));
        Assert.All(d.RandInt, v => Assert.InRange(v, -3L, 6L));
        Assert.All(d.Bernoulli, v => Assert.True(v is 0f or 1f));
        Assert.Contains(0f, d.Bernoulli);
        Assert.Contains(1f, d.Bernoulli);
    }

    [Fact]
    public void Randperm_is_a_permutation()
    {
        torch.ManualSeed(99);
        using var perm = torch.RandPerm(1000);
        var values = perm.ToArray<long>();
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), values.OrderBy(v => v));
        Assert.NotEqual(Enumerable.Range(0, 1000).Select(i => (long)i), values);
    }

    [Fact]
    public void Randn_has_roughly_standard_normal_moments()
    {
        torch.ManualSeed(5);
        using var scope = torch.NewDisposeScope();
        var x = torch.Randn(new long[] { 100_000 }, ScalarType.Float64);
        Assert.InRange(x.Mean().Item(), -0.02, 0.02);
        Assert.InRange(x.Std().Item(), 0.98, 1.02);
    }
}

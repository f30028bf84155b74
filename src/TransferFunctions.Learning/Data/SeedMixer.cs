namespace TransferFunctions.Learning.Data;

/// <summary>
/// Derives independent, reproducible seeds from (seed, epoch, example) with SplitMix64, so randomness never
/// depends on thread scheduling or on <see cref="HashCode"/>'s per-process salt.
/// </summary>
public static class SeedMixer
{
    /// <summary>A non-negative seed derived from <paramref name="seed"/>, <paramref name="epoch"/> (or any stream number) and <paramref name="item"/>.</summary>
    public static int Mix(int seed, int epoch, long item = -1)
    {
        var x = Step((ulong)(uint)seed);
        x = Step(x ^ (ulong)(uint)epoch);
        x = Step(x ^ (ulong)item);
        return (int)(x >> 33);
    }

    private static ulong Step(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}

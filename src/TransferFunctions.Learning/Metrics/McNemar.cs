namespace TransferFunctions.Learning.Metrics;

/// <summary>McNemar's test for whether two classifiers evaluated on the same examples differ in error rate.</summary>
public static class McNemar
{
    /// <summary>
    /// Exact (binomial) McNemar test from per-example correctness of models A and B on the same examples.
    /// </summary>
    public static McNemarResult ExactTest(bool[] correctA, bool[] correctB)
    {
        ArgumentNullException.ThrowIfNull(correctA);
        ArgumentNullException.ThrowIfNull(correctB);
        MetricInputs.RequireSameLength(correctA.Length, nameof(correctA), correctB.Length, nameof(correctB));
        int b = 0;
        int c = 0;
        for (int i = 0; i < correctA.Length; i++)
        {
            if (correctA[i] && !correctB[i])
            {
                b++;
            }
            else if (!correctA[i] && correctB[i])
            {
                c++;
            }
        }

        return new McNemarResult(b, c, ExactPValue(b, c));
    }

    /// <summary>Two-sided exact p-value for discordant counts <paramref name="b"/> and <paramref name="c"/>.</summary>
    public static double ExactPValue(int b, int c)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        ArgumentOutOfRangeException.ThrowIfNegative(c);
        int n = b + c;
        if (n == 0)
        {
            return 1.0;
        }

        int k = Math.Min(b, c);

        // 2^-n underflows for n > 1074, so sum the binomial terms as logs: ln C(n, i+1) = ln C(n, i) + ln(n−i) − ln(i+1).
        double logTerm = -n * Math.Log(2);
        double logCdf = logTerm;
        for (int i = 0; i < k; i++)
        {
            logTerm += Math.Log(n - i) - Math.Log(i + 1);
            logCdf = LogAddExp(logCdf, logTerm);
        }

        return Math.Min(1.0, 2.0 * Math.Exp(logCdf));
    }

    private static double LogAddExp(double a, double b)
    {
        double max = Math.Max(a, b);
        return max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }
}

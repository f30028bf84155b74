namespace TransferFunctions.Torch.Tests.Support;

/// <summary>Plain C# reference implementations the engine's results are compared with.</summary>
internal static class Reference
{
    /// <summary>erf by its Maclaurin series (accurate to ~1e-13 for |x| ≤ 3, which the tests stay within).</summary>
    public static double Erf(double x)
    {
        if (Math.Abs(x) > 3) throw new ArgumentOutOfRangeException(nameof(x), "the series is only used for |x| <= 3");
        double sum = 0, term = x;
        for (var n = 0; n < 80; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>log-softmax of each row of a row-major [rows, cols] array.</summary>
    public static double[] LogSoftmaxRows(double[] x, int rows, int cols)
    {
        var result = new double[x.Length];
        for (var r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * cols, cols);
            var max = double.NegativeInfinity;
            foreach (var v in row) max = Math.Max(max, v);
            double sum = 0;
            foreach (var v in row) sum += Math.Exp(v - max);
            var lse = max + Math.Log(sum);
            for (var c = 0; c < cols; c++) result[r * cols + c] = row[c] - lse;
        }
        return result;
    }

    /// <summary>Bilinear resize of one [H, W] plane, as PyTorch's interpolate without antialiasing.</summary>
    public static double[] Bilinear(double[] plane, int inH, int inW, int outH, int outW, bool alignCorners)
    {
        double Source(int d, int inSize, int outSize)
        {
            if (alignCorners) return outSize == 1 ? 0 : d * (inSize - 1.0) / (outSize - 1);
            return Math.Max((d + 0.5) * inSize / outSize - 0.5, 0);
        }
        var result = new double[outH * outW];
        for (var y = 0; y < outH; y++)
        {
            var sy = Source(y, inH, outH);
            int y0 = (int)Math.Floor(sy), y1 = Math.Min(y0 + 1, inH - 1);
            var ly = sy - y0;
            for (var x = 0; x < outW; x++)
            {
                var sx = Source(x, inW, outW);
                int x0 = (int)Math.Floor(sx), x1 = Math.Min(x0 + 1, inW - 1);
                var lx = sx - x0;
                result[y * outW + x] =
                    (1 - ly) * ((1 - lx) * plane[y0 * inW + x0] + lx * plane[y0 * inW + x1]) +
                    ly * ((1 - lx) * plane[y1 * inW + x0] + lx * plane[y1 * inW + x1]);
            }
        }
        return result;
    }
}

namespace TransferFunctions.Learning.Numerics;

/// <summary>
/// Eigendecomposition of a real symmetric matrix by the cyclic Jacobi method: slow (O(n³) per sweep, 6–10 sweeps)
/// but simple and accurate. Meant for n ≤ 512 (n = 128 takes well under a second; n = 512 takes seconds).
/// </summary>
internal static class SymmetricEigen
{
    /// <summary>Refuses matrices whose decomposition would run for minutes.</summary>
    public const int MaxOrder = 2048;

    private const int MaxSweeps = 100;

    /// <summary>
    /// Decomposes the symmetric <paramref name="order"/>×<paramref name="order"/> row-major <paramref name="matrix"/>
    /// (not modified). Returns the eigenvalues and, row-major, the eigenvectors as ROWS: row j is the unit eigenvector
    /// of eigenvalue j, so A = Σ_j λ_j v_j v_jᵀ.
    /// </summary>
    public static (double[] Values, double[] Vectors) Decompose(double[] matrix, int order)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Length != order * order)
        {
            throw new ArgumentException($"Matrix has {matrix.Length} entries, not {order}×{order}.", nameof(matrix));
        }

        if (order > MaxOrder)
        {
            throw new ArgumentOutOfRangeException(
                nameof(order), order, $"Jacobi eigendecomposition is limited to order {MaxOrder}; reduce the dimension first.");
        }

        int n = order;
        var a = (double[])matrix.Clone();
        var v = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            v[i * n + i] = 1;
        }

        double frobenius = 0;
        foreach (double x in a)
        {
            frobenius += x * x;
        }

        frobenius = Math.Sqrt(frobenius);
        double negligible = 1e-18 * frobenius;
        for (int sweep = 0; sweep < MaxSweeps && OffDiagonalNorm(a, n) > 1e-14 * frobenius; sweep++)
        {
            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p * n + q];
                    if (Math.Abs(apq) <= negligible)
                    {
                        continue;
                    }

                    // Rotation angle φ with cot 2φ = θ that zeroes a[p,q]; t = tan φ is the smaller root, for stability.
                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0)
                    {
                        t = 1;
                    }

                    double c = 1 / Math.Sqrt(t * t + 1);
                    double s = t * c;
                    Rotate(a, v, n, p, q, c, s, t, apq);
                }
            }
        }

        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = a[i * n + i];
        }

        return (values, v);
    }

    private static void Rotate(double[] a, double[] v, int n, int p, int q, double c, double s, double t, double apq)
    {
        Span<double> rowP = a.AsSpan(p * n, n);
        Span<double> rowQ = a.AsSpan(q * n, n);
        for (int k = 0; k < n; k++)
        {
            if (k == p || k == q)
            {
                continue;
            }

            double akp = rowP[k];
            double akq = rowQ[k];
            double newP = c * akp - s * akq;
            double newQ = s * akp + c * akq;
            rowP[k] = newP;
            rowQ[k] = newQ;
            a[k * n + p] = newP;
            a[k * n + q] = newQ;
        }

        rowP[p] -= t * apq;
        rowQ[q] += t * apq;
        rowP[q] = 0;
        rowQ[p] = 0;

        // Eigenvectors are kept as rows (Vᵀ), so the column rotation of V touches two contiguous rows.
        Span<double> vp = v.AsSpan(p * n, n);
        Span<double> vq = v.AsSpan(q * n, n);
        for (int k = 0; k < n; k++)
        {
            double x = vp[k];
            double y = vq[k];
            vp[k] = c * x - s * y;
            vq[k] = s * x + c * y;
        }
    }

    private static double OffDiagonalNorm(double[] a, int n)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                sum += a[i * n + j] * a[i * n + j];
            }
        }

        return Math.Sqrt(2 * sum);
    }
}

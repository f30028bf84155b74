using TransferFunctions.Learning.Numerics;

namespace TransferFunctions.Learning.Tests.Numerics;

public sealed class SymmetricEigenTests
{
    [Fact]
    public void Two_by_two_matrix_has_hand_computed_eigenpairs()
    {
        // [[2, 1], [1, 2]]: λ = 1 with (1, −1)/√2 and λ = 3 with (1, 1)/√2.
        (double[] values, double[] vectors) = SymmetricEigen.Decompose([2, 1, 1, 2], 2);

        int small = values[0] < values[1] ? 0 : 1;
        int large = 1 - small;
        Assert.Equal(1.0, values[small], 12);
        Assert.Equal(3.0, values[large], 12);
        Assert.Equal(0.0, vectors[small * 2] + vectors[small * 2 + 1], 12);
        Assert.Equal(0.0, vectors[large * 2] - vectors[large * 2 + 1], 12);
        Assert.Equal(1 / Math.Sqrt(2), Math.Abs(vectors[large * 2]), 12);
    }

    [Fact]
    public void Random_symmetric_matrix_is_reconstructed_by_orthonormal_eigenvectors()
    {
        const int n = 40;
        var random = new Random(11);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                a[i * n + j] = a[j * n + i] = Gaussian.Next(random);
            }
        }

        (double[] values, double[] vectors) = SymmetricEigen.Decompose(a, n);

        for (int p = 0; p < n; p++)
        {
            for (int q = 0; q < n; q++)
            {
                double dot = 0;
                double reconstructed = 0;
                for (int k = 0; k < n; k++)
                {
                    dot += vectors[p * n + k] * vectors[q * n + k];
                    reconstructed += values[k] * vectors[k * n + p] * vectors[k * n + q];
                }

                Assert.Equal(p == q ? 1.0 : 0.0, dot, 10);
                Assert.Equal(a[p * n + q], reconstructed, 10);
            }
        }
    }
}

namespace TransferFunctions.Learning.Tests;

/// <summary>Seeded standard-normal samples (Box–Muller) for numerical tests.</summary>
internal static class Gaussian
{
    public static double Next(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public static double[][] Matrix(Random random, int rows, int columns, double mean = 0)
    {
        var matrix = new double[rows][];
        for (int i = 0; i < rows; i++)
        {
            matrix[i] = new double[columns];
            for (int j = 0; j < columns; j++)
            {
                matrix[i][j] = mean + Next(random);
            }
        }

        return matrix;
    }
}

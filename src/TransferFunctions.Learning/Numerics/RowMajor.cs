namespace TransferFunctions.Learning.Numerics;

/// <summary>
/// Converts matrices to the jagged <c>double[][]</c> rows the metric and analysis APIs take, e.g. a tensor's flat
/// row-major <c>float</c> buffer of shape (n, columns).
/// </summary>
public static class RowMajor
{
    public static double[][] ToRows(ReadOnlySpan<float> values, int columns)
    {
        int rowCount = RowCount(values.Length, columns);
        var rows = new double[rowCount][];
        for (int i = 0; i < rowCount; i++)
        {
            var row = new double[columns];
            ReadOnlySpan<float> source = values.Slice(i * columns, columns);
            for (int j = 0; j < columns; j++)
            {
                row[j] = source[j];
            }

            rows[i] = row;
        }

        return rows;
    }

    public static double[][] ToRows(ReadOnlySpan<double> values, int columns)
    {
        int rowCount = RowCount(values.Length, columns);
        var rows = new double[rowCount][];
        for (int i = 0; i < rowCount; i++)
        {
            rows[i] = values.Slice(i * columns, columns).ToArray();
        }

        return rows;
    }

    public static double[][] ToRows(double[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int rowCount = matrix.GetLength(0);
        int columns = matrix.GetLength(1);
        var rows = new double[rowCount][];
        for (int i = 0; i < rowCount; i++)
        {
            var row = new double[columns];
            for (int j = 0; j < columns; j++)
            {
                row[j] = matrix[i, j];
            }

            rows[i] = row;
        }

        return rows;
    }

    private static int RowCount(int length, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (length % columns != 0)
        {
            throw new ArgumentException(
                $"A buffer of {length} values is not a whole number of rows of {columns} columns.", "values");
        }

        return length / columns;
    }
}

namespace TransferFunctions.Learning.Analysis;

/// <summary>Shape and value checks for feature matrices, with messages that name the argument and row at fault.</summary>
internal static class FeatureInputs
{
    /// <summary>Returns the common row length after checking every row is present, equally long and finite.</summary>
    public static int RequireMatrix(double[][] rows, string name, int minimumRows = 1)
    {
        ArgumentNullException.ThrowIfNull(rows, name);
        if (rows.Length < minimumRows)
        {
            throw new ArgumentException($"{name} has {rows.Length} rows; at least {minimumRows} are needed.", name);
        }

        int dimension = rows[0]?.Length ?? 0;
        if (dimension == 0)
        {
            throw new ArgumentException($"{name}[0] is null or empty; features need at least one column.", name);
        }

        for (int i = 0; i < rows.Length; i++)
        {
            double[]? row = rows[i];
            if (row is null || row.Length != dimension)
            {
                throw new ArgumentException(
                    $"{name}[{i}] has {row?.Length ?? 0} columns but {name}[0] has {dimension}; all rows must be equally long.", name);
            }

            for (int j = 0; j < dimension; j++)
            {
                if (!double.IsFinite(row[j]))
                {
                    throw new ArgumentException($"{name}[{i}][{j}] is {row[j]}; features must be finite.", name);
                }
            }
        }

        return dimension;
    }
}

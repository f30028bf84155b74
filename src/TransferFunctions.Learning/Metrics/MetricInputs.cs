namespace TransferFunctions.Learning.Metrics;

/// <summary>Argument checks shared by the metric entry points, so every one fails with the same clear message.</summary>
internal static class MetricInputs
{
    public static void RequireLabels(int[] labels, string name, int classCount)
    {
        ArgumentNullException.ThrowIfNull(labels, name);
        if (labels.Length == 0)
        {
            throw new ArgumentException($"{name} is empty; at least one example is needed.", name);
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(
                    name, labels[i], $"{name}[{i}] = {labels[i]} is not a class index in [0, {classCount}).");
            }
        }
    }

    public static void RequireSameLength(int expected, string expectedName, int actual, string actualName)
    {
        if (expected != actual)
        {
            throw new ArgumentException(
                $"{actualName} has {actual} entries but {expectedName} has {expected}; they must describe the same examples.",
                actualName);
        }
    }
}

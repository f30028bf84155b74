namespace TransferFunctions.Learning.Strategies;

/// <summary>Settings of <c>multi-task</c>: one backbone, one head per label column, a weighted sum of their losses.</summary>
public sealed record MultiTaskOptions
{
    /// <summary>Name under which the primary label column appears in weights and per-task metrics.</summary>
    public const string PrimaryTask = "label";

    public static MultiTaskOptions Default { get; } = new();

    /// <summary>How the shared backbone and heads are fine-tuned.</summary>
    public FineTuneOptions FineTune { get; init; } = FineTuneOptions.Default;

    /// <summary>Loss weight per task (<see cref="PrimaryTask"/> or a label column's name); tasks not listed weigh 1.</summary>
    public IReadOnlyDictionary<string, double> TaskWeights { get; init; } = new Dictionary<string, double>();

    public double WeightOf(string task) => TaskWeights.TryGetValue(task, out var w) ? w : 1.0;
}

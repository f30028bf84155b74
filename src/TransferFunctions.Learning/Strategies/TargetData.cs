using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// The target task's examples as tensors ready for the base model: inputs float32 [N, C, H, W] already preprocessed
/// with the base's <see cref="Models.InputSpec"/>, labels int64 [N] indexing <see cref="Labels"/>. The caller owns the
/// tensors; strategies only read them.
/// </summary>
public sealed record TargetData
{
    public required Tensor TrainInputs { get; init; }
    public required Tensor TrainLabels { get; init; }

    /// <summary>Held-out labeled examples for early stopping and model choice; null when there are too few labels to spare.</summary>
    public Tensor? ValidationInputs { get; init; }
    public Tensor? ValidationLabels { get; init; }

    /// <summary>Class names of the primary task; a label's position is its class index.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Further label columns of the same examples, for multi-task learning.</summary>
    public IReadOnlyList<LabelColumn> ExtraLabelColumns { get; init; } = [];

    /// <summary>Unlabeled inputs from the target domain (same preprocessing), for domain adaptation.</summary>
    public Tensor? UnlabeledInputs { get; init; }

    /// <summary>Labeled examples of the base model's source task, replayed by the hybrid strategy against forgetting.</summary>
    public SourceReplay? SourceReplay { get; init; }

    /// <summary>
    /// Identifies the data for the feature cache (e.g. <see cref="Data.ValidationReport.Digest"/>); when null the digest
    /// of the tensors' contents is used.
    /// </summary>
    public string? Digest { get; init; }

    public int ClassCount => Labels.Count;

    public long TrainCount => TrainInputs.size(0);

    public bool HasValidation => ValidationInputs is not null && ValidationLabels is not null && ValidationInputs.size(0) > 0;

    /// <summary>Training examples per class (index = class).</summary>
    public int[] TrainCountsPerClass()
    {
        var counts = new int[ClassCount];
        foreach (var label in TrainLabels.data<long>().ToArray()) counts[label]++;
        return counts;
    }

    /// <summary>Checks shapes and label ranges, naming the field at fault.</summary>
    public void Validate()
    {
        Require(TrainInputs.dim() == 4, $"TrainInputs must be [N, C, H, W], got [{string.Join(", ", TrainInputs.shape)}]");
        Require(TrainLabels.dim() == 1 && TrainLabels.size(0) == TrainInputs.size(0), $"TrainLabels must be [{TrainInputs.size(0)}] to match TrainInputs, got [{string.Join(", ", TrainLabels.shape)}]");
        Require(TrainInputs.size(0) > 0, "TrainInputs is empty: at least one labeled example is needed");
        Require(ClassCount >= 2, $"Labels has {ClassCount} class(es); classification needs at least 2");
        RequireLabelRange(TrainLabels, ClassCount, "TrainLabels");
        Require((ValidationInputs is null) == (ValidationLabels is null), "ValidationInputs and ValidationLabels must be given together");
        if (ValidationInputs is not null && ValidationLabels is not null)
        {
            Require(ValidationLabels.size(0) == ValidationInputs.size(0), $"ValidationLabels has {ValidationLabels.size(0)} rows but ValidationInputs {ValidationInputs.size(0)}");
            RequireLabelRange(ValidationLabels, ClassCount, "ValidationLabels");
        }
        foreach (var column in ExtraLabelColumns)
        {
            Require(column.Train.size(0) == TrainInputs.size(0), $"label column '{column.Name}' has {column.Train.size(0)} training labels but there are {TrainInputs.size(0)} training inputs");
            if (ValidationInputs is not null)
                Require(column.Validation is not null && column.Validation.size(0) == ValidationInputs.size(0), $"label column '{column.Name}' needs one validation label per validation input ({ValidationInputs.size(0)})");
        }
        if (UnlabeledInputs is not null)
            Require(UnlabeledInputs.dim() == 4 && UnlabeledInputs.shape[1..].SequenceEqual(TrainInputs.shape[1..]), "UnlabeledInputs must have the shape of TrainInputs' rows");
    }

    private static void RequireLabelRange(Tensor labels, int classes, string name)
    {
        if (labels.size(0) == 0) return;
        var values = labels.data<long>().ToArray();
        var bad = Array.FindIndex(values, v => v < 0 || v >= classes);
        Require(bad < 0, bad < 0 ? "" : $"{name}[{bad}] = {values[bad]} is not a class index in [0, {classes})");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new ArgumentException($"target data: {message}");
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// One extra label column of a multi-task dataset: its class names and int64 labels per training (and validation)
/// example, with -1 where an example has no value for this column (ignored by the loss).
/// </summary>
public sealed record LabelColumn(string Name, IReadOnlyList<string> Labels, Tensor Train, Tensor? Validation = null);

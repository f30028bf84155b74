using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// Labeled examples of the base model's source task (inputs preprocessed like the target's, labels indexing
/// <see cref="Labels"/>, which are the base model's labels). <see cref="Description"/> says where they came from.
/// </summary>
public sealed record SourceReplay(Tensor Inputs, Tensor Labels, IReadOnlyList<string> LabelNames, string Description);

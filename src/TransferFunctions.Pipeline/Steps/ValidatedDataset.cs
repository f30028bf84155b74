namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// The validate step's result. When <see cref="Valid"/>, the examples were decoded to the base model's
/// input size and stored as tensors at <see cref="TensorsKey"/> (train/validation/test inputs and labels),
/// so every later step — in-process, child process or container — reads the same data.
/// <see cref="UnlabeledDigest"/> identifies the batches' unlabeled images, when they carried any.
/// </summary>
public sealed record ValidatedDataset(
    bool Valid,
    string Project,
    IReadOnlyList<string> Batches,
    string Digest,
    IReadOnlyList<string> Labels,
    IReadOnlyDictionary<string, int> SplitCounts,
    IReadOnlyList<string> Errors,
    IReadOnlyList<string> Warnings,
    string? TensorsKey,
    string BaseModel,
    string BaseWeightsDigest,
    string? UnlabeledDigest = null);

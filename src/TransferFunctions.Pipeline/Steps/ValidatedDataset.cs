namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// The validate step's result. When <see cref="Valid"/>, the examples were decoded to the base model's
/// input size and stored as tensors at <see cref="TensorsKey"/> (train/validation/test inputs and labels),
/// so every later step — in-process, child process or container — reads the same data.
/// <see cref="UnlabeledDigest"/> identifies the batches' unlabeled images, when they carried any.
/// <see cref="BaseModel"/> is the base reference pinned at validation (a registry champion as <c>name:vN</c>), which every
/// later step loads, so a champion moving mid-run cannot change the base under it. <see cref="ErrorDetails"/> and
/// <see cref="WarningDetails"/> carry <see cref="Errors"/> and <see cref="Warnings"/> structured (code, file, detail).
/// <see cref="BaseRanking"/>: when the run named candidate bases, each one's LogME on the training data, best (the chosen
/// <see cref="BaseModel"/>) first.
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
    string? UnlabeledDigest = null,
    IReadOnlyList<DataIssue>? ErrorDetails = null,
    IReadOnlyList<DataIssue>? WarningDetails = null,
    IReadOnlyList<TransferFunctions.Learning.Analysis.BaseCandidateScore>? BaseRanking = null);

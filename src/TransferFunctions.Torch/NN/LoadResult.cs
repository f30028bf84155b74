namespace TransferFunctions.Torch.NN;

/// <summary>Names that were absent from, or extra in, a loaded state dict (non-strict loads).</summary>
public sealed record LoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);

namespace TransferFunctions.Pipeline.Registry;

/// <summary>What a model expects as input: an image tensor of this shape, normalized with these per-channel statistics.</summary>
public sealed record ModelInputSpec(int Channels, int Height, int Width, IReadOnlyList<float> Mean, IReadOnlyList<float> Std);

namespace TransferFunctions.Learning.Models;

/// <summary>What a model expects: channels, size, and the per-channel normalization applied to [0, 1] pixels.</summary>
public sealed record InputSpec(int Channels, int Height, int Width, double[] Mean, double[] Std)
{
    /// <summary>Fashion-MNIST statistics (grayscale 28×28).</summary>
    public static InputSpec FashionMnist { get; } = new(1, 28, 28, new[] { 0.2860 }, new[] { 0.3530 });
}

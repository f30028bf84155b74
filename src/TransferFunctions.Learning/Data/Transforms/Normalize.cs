namespace TransferFunctions.Learning.Data.Transforms;

/// <summary>Per-channel <c>(x - mean) / std</c>.</summary>
public sealed class Normalize : IImageTransform
{
    /// <summary>The ImageNet statistics torchvision's pretrained models expect.</summary>
    public static Normalize ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    public Normalize(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        if (mean.Count == 0 || mean.Count != std.Count)
            throw new ArgumentException($"normalization needs one mean and one std per channel (got {mean.Count} means, {std.Count} stds)");
        if (std.Any(s => !(s > 0)))
            throw new ArgumentException($"normalization std must be positive (got {string.Join(", ", std)})");
        Mean = mean.ToArray();
        Std = std.ToArray();
    }

    public IReadOnlyList<float> Mean { get; }
    public IReadOnlyList<float> Std { get; }

    public ImageArray Apply(ImageArray image, Random random)
    {
        if (image.Channels != Mean.Count)
            throw new ArgumentException($"normalization is set for {Mean.Count} channels but the image has {image.Channels}");
        var plane = image.Height * image.Width;
        var output = new float[image.Data.Length];
        for (var c = 0; c < image.Channels; c++)
        {
            var mean = Mean[c];
            var inverse = 1f / Std[c];
            for (var p = c * plane; p < (c + 1) * plane; p++)
                output[p] = (image.Data[p] - mean) * inverse;
        }
        return new ImageArray(image.Channels, image.Height, image.Width, output);
    }
}

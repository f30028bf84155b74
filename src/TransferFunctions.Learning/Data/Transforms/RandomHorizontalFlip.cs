namespace TransferFunctions.Learning.Data.Transforms;

/// <summary>Mirrors the image left-right with probability <see cref="Probability"/>.</summary>
public sealed class RandomHorizontalFlip(double probability = 0.5) : IImageTransform
{
    public double Probability { get; } = probability is >= 0 and <= 1
        ? probability
        : throw new ArgumentOutOfRangeException(nameof(probability), $"flip probability {probability} is outside [0, 1]");

    public ImageArray Apply(ImageArray image, Random random) =>
        random.NextDouble() < Probability ? Flip(image) : image;

    /// <summary>The left-right mirror image.</summary>
    public static ImageArray Flip(ImageArray image)
    {
        var output = new float[image.Data.Length];
        for (var row = 0; row < image.Channels * image.Height; row++)
        {
            var start = row * image.Width;
            for (var x = 0; x < image.Width; x++)
                output[start + x] = image.Data[start + image.Width - 1 - x];
        }
        return new ImageArray(image.Channels, image.Height, image.Width, output);
    }
}

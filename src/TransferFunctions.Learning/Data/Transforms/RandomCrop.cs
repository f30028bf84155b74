namespace TransferFunctions.Learning.Data.Transforms;

/// <summary>Zero-pads every side by <see cref="Padding"/> pixels, then crops a window at a uniformly random offset.</summary>
public sealed class RandomCrop : IImageTransform
{
    public RandomCrop(int height, int width, int padding = 0)
    {
        if (height <= 0 || width <= 0 || padding < 0)
            throw new ArgumentOutOfRangeException(nameof(height), $"random crop {width}x{height} with padding {padding} is invalid");
        Height = height;
        Width = width;
        Padding = padding;
    }

    public int Height { get; }
    public int Width { get; }
    public int Padding { get; }

    public ImageArray Apply(ImageArray image, Random random)
    {
        var paddedHeight = image.Height + 2 * Padding;
        var paddedWidth = image.Width + 2 * Padding;
        if (paddedHeight < Height || paddedWidth < Width)
            throw new ArgumentException(
                $"random crop {Width}x{Height} does not fit in a {image.Width}x{image.Height} image padded by {Padding}");
        var top = random.Next(paddedHeight - Height + 1) - Padding;
        var left = random.Next(paddedWidth - Width + 1) - Padding;
        return Crop.Window(image, top, left, Height, Width);
    }
}

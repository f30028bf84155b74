namespace TransferFunctions.Learning.Data.Transforms;

/// <summary>
/// Bilinear resize to a fixed size, sampling at pixel centres (PyTorch's <c>interpolate(mode="bilinear",
/// align_corners=False)</c> without antialiasing).
/// </summary>
public sealed class Resize : IImageTransform
{
    public Resize(int height, int width)
    {
        if (height <= 0 || width <= 0)
            throw new ArgumentOutOfRangeException(nameof(height), $"resize target {width}x{height} must be positive");
        Height = height;
        Width = width;
    }

    public int Height { get; }
    public int Width { get; }

    public ImageArray Apply(ImageArray image, Random random)
    {
        if (image.Height == Height && image.Width == Width)
            return image;
        var rows = Taps(image.Height, Height);
        var cols = Taps(image.Width, Width);
        var output = new float[image.Channels * Height * Width];
        for (var c = 0; c < image.Channels; c++)
        {
            var src = c * image.Height * image.Width;
            var dst = c * Height * Width;
            for (var y = 0; y < Height; y++)
            {
                var (y0, y1, wy) = rows[y];
                for (var x = 0; x < Width; x++)
                {
                    var (x0, x1, wx) = cols[x];
                    var top = image.Data[src + y0 * image.Width + x0] * (1 - wx) + image.Data[src + y0 * image.Width + x1] * wx;
                    var bottom = image.Data[src + y1 * image.Width + x0] * (1 - wx) + image.Data[src + y1 * image.Width + x1] * wx;
                    output[dst + y * Width + x] = top * (1 - wy) + bottom * wy;
                }
            }
        }
        return new ImageArray(image.Channels, Height, Width, output);
    }

    /// <summary>For each output coordinate: the two source neighbours and the weight of the second.</summary>
    private static (int Low, int High, float Weight)[] Taps(int inputSize, int outputSize)
    {
        var scale = (double)inputSize / outputSize;
        var taps = new (int, int, float)[outputSize];
        for (var o = 0; o < outputSize; o++)
        {
            var source = Math.Max((o + 0.5) * scale - 0.5, 0.0);
            var low = Math.Min((int)source, inputSize - 1);
            var high = Math.Min(low + 1, inputSize - 1);
            taps[o] = (low, high, (float)(source - low));
        }
        return taps;
    }
}

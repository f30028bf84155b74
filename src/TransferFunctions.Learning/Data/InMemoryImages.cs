namespace TransferFunctions.Learning.Data;

/// <summary>
/// A block of same-sized 8-bit images held in memory, laid out [Count, Height, Width, Channels] (HWC per image).
/// </summary>
public sealed record InMemoryImages
{
    public InMemoryImages(byte[] pixels, int count, int height, int width, int channels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (count < 0 || height <= 0 || width <= 0 || channels is not (1 or 3 or 4))
            throw new ArgumentException($"invalid in-memory image block: count={count}, {width}x{height}x{channels}");
        if (pixels.LongLength != (long)count * height * width * channels)
            throw new ArgumentException(
                $"in-memory image block holds {pixels.LongLength} bytes, expected {count}x{height}x{width}x{channels} = {(long)count * height * width * channels}");
        Pixels = pixels;
        Count = count;
        Height = height;
        Width = width;
        Channels = channels;
    }

    public byte[] Pixels { get; }
    public int Count { get; }
    public int Height { get; }
    public int Width { get; }
    public int Channels { get; }

    /// <summary>Bytes of one image.</summary>
    public int ImageSize => Height * Width * Channels;

    /// <summary>The HWC bytes of image <paramref name="index"/>.</summary>
    public ReadOnlyMemory<byte> Image(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"image #{index} is outside the {Count} in-memory images");
        return new ReadOnlyMemory<byte>(Pixels, index * ImageSize, ImageSize);
    }
}

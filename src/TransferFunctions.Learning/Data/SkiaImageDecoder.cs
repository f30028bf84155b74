namespace TransferFunctions.Learning.Data;

/// <summary>Decodes through <see cref="ImageCodec"/> (SkiaSharp).</summary>
internal sealed class SkiaImageDecoder : IImageDecoder
{
    public static SkiaImageDecoder Instance { get; } = new();

    public ImageInfo ReadInfo(ReadOnlySpan<byte> bytes) => ImageCodec.ReadInfo(bytes);

    public DecodedImage Decode(ReadOnlySpan<byte> bytes, int channels, long maxPixels)
    {
        var (pixels, height, width, c) = ImageCodec.Decode(bytes, channels, maxPixels);
        return new DecodedImage(pixels, height, width, c);
    }
}

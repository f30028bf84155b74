using TransferFunctions.Torch;

namespace TransferFunctions.Learning.Data;

/// <summary>Decodes with the native library (stb_image through <see cref="Images"/>).</summary>
internal sealed class TorchImageDecoder : IImageDecoder
{
    public static TorchImageDecoder Instance { get; } = new();

    public ImageInfo ReadInfo(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Images.ReadInfo(bytes);
        }
        catch (TorchException e)
        {
            throw new ImageDecodeException(e.Message, e);
        }
    }

    public DecodedImage Decode(ReadOnlySpan<byte> bytes, int channels, long maxPixels)
    {
        try
        {
            using var tensor = Images.Decode(bytes, channels, maxPixels);
            var shape = tensor.Shape;
            return new DecodedImage(tensor.ToArray<byte>(), (int)shape[0], (int)shape[1], (int)shape[2]);
        }
        catch (TorchException e)
        {
            throw new ImageDecodeException(e.Message, e);
        }
    }
}

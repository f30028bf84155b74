
namespace TransferFunctions.Learning.Data;

/// <summary>8-bit pixels in HWC layout as a decoder returns them.</summary>
internal sealed record DecodedImage(byte[] Pixels, int Height, int Width, int Channels);

/// <summary>
/// The decoding the data layer needs, kept behind an interface so the loader and validator do not depend on
/// how (or where) images are decoded.
/// </summary>
internal interface IImageDecoder
{
    /// <summary>Header dimensions without decoding pixels; throws <see cref="ImageDecodeException"/> if unreadable.</summary>
    ImageInfo ReadInfo(ReadOnlySpan<byte> bytes);

    /// <summary>Decodes to HWC bytes (<paramref name="channels"/> 0 keeps the stored count); throws <see cref="ImageDecodeException"/>.</summary>
    DecodedImage Decode(ReadOnlySpan<byte> bytes, int channels, long maxPixels);
}

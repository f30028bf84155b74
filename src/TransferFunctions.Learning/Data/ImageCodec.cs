using System.Buffers.Binary;
using SkiaSharp;

namespace TransferFunctions.Learning.Data;

/// <summary>
/// PNG, JPEG, BMP, GIF and WebP decoding and PNG encoding through SkiaSharp (Skia's codecs, the ones Chrome ships and
/// fuzzes). The pixel limit is checked from the header before any pixel buffer exists; every failure is an
/// <see cref="ImageDecodeException"/> that says what is wrong.
/// </summary>
/// <remarks>
/// Why SkiaSharp rather than StbImageSharp: the data layer accepts WebP, which stb_image does not decode, and Skia's
/// decoders are continuously fuzzed by a browser; its NoDependencies native build loads on Debian 12 as it is.
/// </remarks>
public static class ImageCodec
{
    /// <summary>Default ceiling on decoded pixels (64 megapixels): larger images are refused before any pixel buffer exists.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    private const string Formats = "PNG, JPEG, BMP, GIF or WebP";

    /// <summary>Width, height and stored channel count from the header alone.</summary>
    public static ImageInfo ReadInfo(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) throw new ImageDecodeException("image data is empty");
        using var codec = CreateCodec(bytes, out var result);
        if (codec is null)
        {
            if (HeaderSize(bytes, out var w, out var h)) return new ImageInfo((int)Math.Min(w, int.MaxValue), (int)Math.Min(h, int.MaxValue), 0);
            throw new ImageDecodeException($"not a decodable {Formats} image ({Describe(result)})");
        }
        return new ImageInfo(codec.Info.Width, codec.Info.Height, StoredChannels(codec.Info));
    }

    /// <summary>
    /// Decodes to 8-bit HWC pixels. <paramref name="channels"/> 0 keeps the stored count (1 gray, 3 RGB, 4 RGBA);
    /// 1, 3 or 4 converts.
    /// </summary>
    public static (byte[] Pixels, int Height, int Width, int Channels) Decode(ReadOnlySpan<byte> bytes, int channels = 0, long maxPixels = DefaultMaxPixels)
    {
        if (channels is < 0 or > 4 or 2) throw new ArgumentOutOfRangeException(nameof(channels), "channels must be 0 (as stored), 1, 3 or 4");
        if (bytes.IsEmpty) throw new ImageDecodeException("image data is empty");
        using var codec = CreateCodec(bytes, out var result);
        if (codec is null)
        {
            // A header claiming an enormous size may be refused by the codec itself; say so with the size.
            if (HeaderSize(bytes, out var cw, out var ch)) CheckPixelLimit(cw, ch, maxPixels);
            throw new ImageDecodeException($"not a decodable {Formats} image ({Describe(result)})");
        }
        var info = codec.Info;
        CheckPixelLimit(info.Width, info.Height, maxPixels);
        var stored = StoredChannels(info);
        var c = channels == 0 ? stored : channels;
        var target = new SKImageInfo(info.Width, info.Height, c == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888, c == 1 ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        var raw = new byte[(long)target.RowBytes * target.Height];
        SKCodecResult decoded;
        unsafe
        {
            fixed (byte* p = raw) decoded = codec.GetPixels(target, (IntPtr)p);
        }
        if (decoded == SKCodecResult.InvalidConversion && c == 1)
        {
            // Some decoders (WebP) only produce colour: decode RGBA and take ITU-R 601 luma, as Preprocessing does.
            var (rgba, _, _, _) = Decode(bytes, 4, maxPixels);
            var gray = new byte[(long)info.Width * info.Height];
            for (long i = 0, j = 0; i < gray.Length; i++, j += 4)
                gray[i] = (byte)Math.Clamp(Math.Round(0.299 * rgba[j] + 0.587 * rgba[j + 1] + 0.114 * rgba[j + 2]), 0, 255);
            return (gray, info.Height, info.Width, 1);
        }
        if (decoded != SKCodecResult.Success)
            throw new ImageDecodeException($"corrupt image data ({Describe(decoded)})");
        if (c != 3) return (raw, info.Height, info.Width, c);
        var rgb = new byte[(long)info.Width * info.Height * 3];
        for (long i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            rgb[j] = raw[i];
            rgb[j + 1] = raw[i + 1];
            rgb[j + 2] = raw[i + 2];
        }
        return (rgb, info.Height, info.Width, 3);
    }

    /// <summary>Encodes 8-bit HWC pixels (1, 3 or 4 channels) as a PNG file's bytes (lossless: decoding gives the same pixels).</summary>
    public static byte[] EncodePng(ReadOnlySpan<byte> hwc, int height, int width, int channels)
    {
        if (channels is not (1 or 3 or 4)) throw new ArgumentOutOfRangeException(nameof(channels), $"PNG encoding takes 1, 3 or 4 channels, got {channels}");
        if ((long)height * width * channels != hwc.Length) throw new ArgumentException($"{hwc.Length} bytes are not {height}x{width}x{channels} pixels");
        var info = new SKImageInfo(width, height, channels == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888, channels == 4 ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
        var rowStride = info.RowBytes;
        var dst = new byte[(long)rowStride * height];
        if (channels == 3)
        {
            for (int i = 0, j = 0; i < hwc.Length; i += 3, j += 4)
            {
                dst[j] = hwc[i];
                dst[j + 1] = hwc[i + 1];
                dst[j + 2] = hwc[i + 2];
                dst[j + 3] = 255;
            }
        }
        else
        {
            var rowBytes = width * channels;
            for (var y = 0; y < height; y++) hwc.Slice(y * rowBytes, rowBytes).CopyTo(dst.AsSpan(y * rowStride, rowBytes));
        }
        unsafe
        {
            fixed (byte* p = dst)
            {
                using var pixmap = new SKPixmap(info, (IntPtr)p, rowStride);
                using var data = pixmap.Encode(SKEncodedImageFormat.Png, 100) ?? throw new InvalidOperationException("PNG encoding failed");
                return data.ToArray();
            }
        }
    }

    private static SKCodec? CreateCodec(ReadOnlySpan<byte> bytes, out SKCodecResult result)
    {
        // The codec reads from the stream lazily; a copy keeps it valid whatever the caller does with its span.
        var stream = new SKMemoryStream(SKData.CreateCopy(bytes));
        var codec = SKCodec.Create(stream, out result);
        if (codec is null) stream.Dispose();
        return codec;
    }

    private static int StoredChannels(SKImageInfo info) =>
        info.ColorType == SKColorType.Gray8 ? 1 : info.AlphaType == SKAlphaType.Opaque ? 3 : 4;

    private static void CheckPixelLimit(long width, long height, long maxPixels)
    {
        var pixels = width * height;
        if (maxPixels > 0 && pixels > maxPixels)
            throw new ImageDecodeException($"image is {width}x{height} = {pixels} pixels, above the limit of {maxPixels}");
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the data ends before the image does",
        SKCodecResult.ErrorInInput => "the data is malformed",
        SKCodecResult.Unimplemented => "unsupported variant of the format",
        SKCodecResult.InvalidInput => "unrecognised format",
        _ => result.ToString(),
    };

    /// <summary>
    /// Width and height as a PNG, GIF, BMP, JPEG or WebP header claims them, read by hand so that a claim too large
    /// for the codec is still reported with its size. False when the format is not recognised or the header is cut.
    /// </summary>
    internal static bool HeaderSize(ReadOnlySpan<byte> b, out long width, out long height)
    {
        width = height = 0;
        ReadOnlySpan<byte> png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a];
        if (b.Length >= 24 && b[..8].SequenceEqual(png) && b.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            width = BinaryPrimitives.ReadUInt32BigEndian(b[16..]);
            height = BinaryPrimitives.ReadUInt32BigEndian(b[20..]);
            return true;
        }
        if (b.Length >= 10 && (b[..6].SequenceEqual("GIF87a"u8) || b[..6].SequenceEqual("GIF89a"u8)))
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(b[6..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(b[8..]);
            return true;
        }
        if (b.Length >= 26 && b[0] == 'B' && b[1] == 'M')
        {
            var os2 = BinaryPrimitives.ReadUInt32LittleEndian(b[14..]) == 12;
            width = os2 ? BinaryPrimitives.ReadUInt16LittleEndian(b[18..]) : Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(b[18..]));
            height = os2 ? BinaryPrimitives.ReadUInt16LittleEndian(b[20..]) : Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(b[22..]));
            return true;
        }
        if (b.Length >= 30 && b[..4].SequenceEqual("RIFF"u8) && b.Slice(8, 4).SequenceEqual("WEBP"u8) && b.Slice(12, 4).SequenceEqual("VP8X"u8))
        {
            width = 1 + (b[24] | b[25] << 8 | b[26] << 16);
            height = 1 + (b[27] | b[28] << 8 | b[29] << 16);
            return true;
        }
        if (b.Length >= 4 && b[0] == 0xFF && b[1] == 0xD8)
        {
            // Walk the segments to the first start-of-frame marker (SOF0..SOF15 except DHT, JPG, DAC).
            for (var i = 2; i + 9 <= b.Length;)
            {
                if (b[i] != 0xFF) return false;
                var marker = b[i + 1];
                if (marker == 0xFF) { i++; continue; }
                if (marker == 0x01 || marker is >= 0xD0 and <= 0xD8) { i += 2; continue; }
                if (marker is >= 0xC0 and <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
                {
                    height = BinaryPrimitives.ReadUInt16BigEndian(b[(i + 5)..]);
                    width = BinaryPrimitives.ReadUInt16BigEndian(b[(i + 7)..]);
                    return true;
                }
                i += 2 + BinaryPrimitives.ReadUInt16BigEndian(b[(i + 2)..]);
            }
        }
        return false;
    }
}

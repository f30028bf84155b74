using System.Buffers.Binary;
using System.Text;
using SkiaSharp;
using TransferFunctions.Learning.Data;

namespace TransferFunctions.Learning.Tests.Engine;

public sealed class ImageCodecTests
{
    private static byte[] Noise(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] PngHeaderOnly(uint width, uint height)
    {
        var bytes = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 };
        var chunk = new byte[17];
        Encoding.ASCII.GetBytes("IHDR").CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(4), width);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8), height);
        chunk[12] = 8;
        chunk[13] = 2;
        bytes.AddRange(chunk);
        var crc = 0xFFFFFFFFu;
        foreach (var b in chunk)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        var c = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(c, ~crc);
        bytes.AddRange(c);
        return bytes.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Png_encode_then_decode_gives_back_identical_pixels(int channels)
    {
        var pixels = Noise(7 * 5 * channels, channels);
        if (channels == 4) for (var i = 3; i < pixels.Length; i += 4) pixels[i] = (byte)Math.Max((int)pixels[i], 1);
        var png = ImageCodec.EncodePng(pixels, 7, 5, channels);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Equal(new ImageInfo(5, 7, channels), ImageCodec.ReadInfo(png));
        var (decoded, h, w, c) = ImageCodec.Decode(png);
        Assert.Equal((7, 5, channels), (h, w, c));
        Assert.Equal(pixels, decoded);
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Webp)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Png)]
    public void Webp_jpeg_and_png_files_decode_to_their_size_and_content(SKEncodedImageFormat format)
    {
        // A grey ramp encoded by Skia itself: lossless WebP/PNG give it back exactly, JPEG within its quantization.
        var info = new SKImageInfo(16, 8, SKColorType.Gray8, SKAlphaType.Opaque);
        var ramp = Enumerable.Range(0, 16 * 8).Select(i => (byte)(i % 16 * 16)).ToArray();
        using var image = SKImage.FromPixelCopy(info, ramp);
        using var data = image.Encode(format, 100);
        var bytes = data.ToArray();

        var (pixels, h, w, c) = ImageCodec.Decode(bytes, channels: 1);
        Assert.Equal((8, 16), (h, w));
        Assert.Equal(1, c);
        var worst = pixels.Zip(ramp, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= (format == SKEncodedImageFormat.Jpeg ? 12 : 1), $"{format}: largest pixel error {worst}");
    }

    [Fact]
    public void Every_bad_image_case_keeps_its_specific_error()
    {
        var png = ImageCodec.EncodePng(Noise(16 * 16 * 3, 3), 16, 16, 3);
        var truncated = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(png[..(png.Length / 2)]));
        Assert.Contains("corrupt image data", truncated.Message);
        var text = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(Encoding.ASCII.GetBytes("this is not an image")));
        Assert.Contains("not a decodable PNG, JPEG, BMP, GIF or WebP image", text.Message);
        Assert.Contains("image data is empty", Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode([])).Message);
        Assert.Contains("image data is empty", Assert.Throws<ImageDecodeException>(() => ImageCodec.ReadInfo([])).Message);
    }

    [Theory]
    [InlineData(100_000u, 100_000u)]
    [InlineData(10_000u, 10_000u)]
    public void A_pixel_bomb_is_refused_from_its_header_with_its_size(uint width, uint height)
    {
        // Header only, no pixel data: reaching the decoder would give a decode error instead.
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(PngHeaderOnly(width, height)));
        Assert.Contains($"image is {width}x{height} = {(long)width * height} pixels, above the limit of {ImageCodec.DefaultMaxPixels}", e.Message);
    }

    [Fact]
    public void The_pixel_limit_is_configurable_and_checked_before_decoding_a_real_file()
    {
        var png = ImageCodec.EncodePng(Noise(40 * 30, 9), 30, 40, 1);
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(png, maxPixels: 1000));
        Assert.Contains("image is 40x30 = 1200 pixels, above the limit of 1000", e.Message);
        Assert.Equal(30, ImageCodec.Decode(png, maxPixels: 1200).Height);
    }

    [Fact]
    public void Bmp_and_gif_headers_are_read_by_hand_for_the_limit()
    {
        var bmp = new byte[54];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 3000);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), -2000);
        Assert.True(ImageCodec.HeaderSize(bmp, out var w, out var h));
        Assert.Equal((3000L, 2000L), (w, h));
        var gif = Encoding.ASCII.GetBytes("GIF89a").Concat(new byte[] { 0xB8, 0x0B, 0xD0, 0x07 }).ToArray();
        Assert.True(ImageCodec.HeaderSize(gif, out w, out h));
        Assert.Equal((3000L, 2000L), (w, h));
    }
}

using System.Buffers.Binary;
using System.Text;
using TransferFunctions.Torch.Tests.Support;

namespace TransferFunctions.Torch.Tests;

public class ImageTests
{
    private static Tensor Noise(long height, long width, long channels, ulong seed)
    {
        torch.ManualSeed(seed);
        return torch.RandInt(0, 256, new[] { height, width, channels }, ScalarType.UInt8);
    }

    // The 8-byte PNG signature and an IHDR chunk (with a valid CRC) claiming the given size, and nothing else.
    private static byte[] PngHeaderOnly(uint width, uint height)
    {
        var bytes = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 };
        var chunk = new byte[17];
        Encoding.ASCII.GetBytes("IHDR").CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(4), width);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8), height);
        chunk[12] = 8; // bit depth
        chunk[13] = 2; // colour type: RGB
        bytes.AddRange(chunk);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(chunk));
        bytes.AddRange(crc);
        return bytes.ToArray();
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Png_encode_then_decode_gives_back_identical_pixels(int channels)
    {
        using var scope = torch.NewDisposeScope();
        var image = Noise(7, 5, channels, (ulong)channels);
        var png = Images.EncodePng(image);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        var decoded = Images.Decode(png);
        Assert.Equal(ScalarType.UInt8, decoded.DType);
        Assert.Equal(new long[] { 7, 5, channels }, decoded.Shape);
        Assert.Equal(image.ToArray<byte>(), decoded.ToArray<byte>());
    }

    [Fact]
    public void Read_info_reports_dimensions_without_decoding()
    {
        using var image = Noise(9, 13, 3, 1);
        var info = Images.ReadInfo(Images.EncodePng(image));
        Assert.Equal(new ImageInfo(13, 9, 3), info);
        Assert.Equal(117, info.Pixels);
        Assert.Equal(new ImageInfo(20000, 10000, 3), Images.ReadInfo(PngHeaderOnly(20000, 10000)));
    }

    [Fact]
    public void Decode_converts_to_the_requested_channel_count()
    {
        using var scope = torch.NewDisposeScope();
        var rgb = torch.FromArray(new byte[] { 255, 0, 0, 0, 255, 0 }, 1, 2, 3);
        var png = Images.EncodePng(rgb);
        var rgba = Images.Decode(png, channels: 4);
        Assert.Equal(new byte[] { 255, 0, 0, 255, 0, 255, 0, 255 }, rgba.ToArray<byte>());
        var grey = Images.Decode(png, channels: 1);
        Assert.Equal(new long[] { 1, 2, 1 }, grey.Shape);
        Assert.Throws<ArgumentOutOfRangeException>(() => Images.Decode(png, channels: 5));
    }

    [Fact]
    public void A_truncated_file_is_a_torch_exception_saying_the_data_is_corrupt()
    {
        using var image = Noise(64, 64, 3, 2);
        var png = Images.EncodePng(image);
        var e = Assert.Throws<TorchException>(() => Images.Decode(png[..(png.Length / 2)]));
        Assert.Contains("corrupt image data", e.Message);
    }

    [Fact]
    public void Bytes_that_are_no_image_are_a_torch_exception_naming_the_formats()
    {
        var e = Assert.Throws<TorchException>(() => Images.Decode(Encoding.ASCII.GetBytes("definitely not an image file")));
        Assert.Contains("not a decodable PNG, JPEG, BMP or GIF image", e.Message);
        Assert.Contains("not a decodable", Assert.Throws<TorchException>(() => Images.ReadInfo(new byte[] { 1, 2, 3, 4 })).Message);
        Assert.Contains("empty", Assert.Throws<TorchException>(() => Images.Decode(ReadOnlySpan<byte>.Empty)).Message);
    }

    [Theory]
    [InlineData(100_000u, 100_000u)] // beyond what stb_image itself would accept
    [InlineData(10_000u, 10_000u)]   // within stb's range, above the default 64-megapixel limit
    public void An_image_above_the_pixel_limit_is_refused_from_its_header_before_decoding(uint width, uint height)
    {
        // The file has no pixel data at all: reaching the decoder would give a decode error instead.
        var e = Assert.Throws<TorchException>(() => Images.Decode(PngHeaderOnly(width, height)));
        Assert.Contains($"image is {width}x{height} = {(long)width * height} pixels, above the limit of {Images.DefaultMaxPixels}", e.Message);
    }

    [Fact]
    public void Gif_bmp_and_jpeg_headers_are_also_checked_against_the_limit_before_decoding()
    {
        var gif = new byte[32];
        Encoding.ASCII.GetBytes("GIF89a").CopyTo(gif, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(6), 3000);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(8), 2000);

        var bmp = new byte[64];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(14), 40); // BITMAPINFOHEADER
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 3000);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), -2000); // negative: stored top-down

        // SOI, an APP0 segment to skip, then SOF0 with height 2000 and width 3000.
        var jpeg = new List<byte> { 0xFF, 0xD8, 0xFF, 0xE0, 0, 16 };
        jpeg.AddRange(new byte[14]);
        jpeg.AddRange(new byte[] { 0xFF, 0xC0, 0, 17, 8, 0x07, 0xD0, 0x0B, 0xB8, 3 });
        jpeg.AddRange(new byte[16]);

        foreach (var (name, file) in new[] { ("gif", gif), ("bmp", bmp), ("jpeg", jpeg.ToArray()) })
        {
            var e = Assert.Throws<TorchException>(() => Images.Decode(file, maxPixels: 5_000_000));
            Assert.True(e.Message.Contains("image is 3000x2000 = 6000000 pixels, above the limit of 5000000"), $"{name}: {e.Message}");
        }
    }

    [Fact]
    public void The_pixel_limit_is_configurable()
    {
        using var image = Noise(20, 20, 3, 3);
        var png = Images.EncodePng(image);
        Assert.Contains("above the limit of 399", Assert.Throws<TorchException>(() => Images.Decode(png, maxPixels: 399)).Message);
        using var ok = Images.Decode(png, maxPixels: 400);
        Assert.Equal(new long[] { 20, 20, 3 }, ok.Shape);
    }

    [Fact]
    public void Encoding_refuses_tensors_that_are_not_uint8_hwc()
    {
        using var f = torch.Zeros(new long[] { 2, 2, 3 });
        Assert.Contains("uint8 tensor [H, W, C]", Assert.Throws<TorchException>(() => Images.EncodePng(f)).Message);
        using var wide = torch.Zeros(new long[] { 2, 2, 5 }, ScalarType.UInt8);
        Assert.Contains("1 to 4 channels, got 5", Assert.Throws<TorchException>(() => Images.EncodePng(wide)).Message);
    }

    [Fact]
    public void To_float_chw_moves_channels_first_and_scales_to_unit_range()
    {
        using var scope = torch.NewDisposeScope();
        // [H=1, W=2, C=3]: pixel 0 = (0, 51, 255), pixel 1 = (102, 153, 204)
        var hwc = torch.FromArray(new byte[] { 0, 51, 255, 102, 153, 204 }, 1, 2, 3);
        var chw = Images.ToFloatChw(hwc);
        Assert.Equal(new long[] { 3, 1, 2 }, chw.Shape);
        Assert.Equal(ScalarType.Float32, chw.DType);
        Check.Close(new[] { 0, 0.4, 0.2, 0.6, 1, 0.8 }, chw.ToArray<float>(), 1e-6, 1e-7);
        Assert.True(chw.IsContiguous);
    }

    [Fact]
    public void Resize_upsamples_bilinearly()
    {
        using var scope = torch.NewDisposeScope();
        double[] plane = { 0, 1, 2, 3 };
        var image = torch.FromArray<double>(plane.Concat(plane.Select(v => 10 * v)).ToArray(), new long[] { 2, 2, 2 });
        var resized = Images.Resize(image, 4, 4, antialias: false);
        Assert.Equal(new long[] { 2, 4, 4 }, resized.Shape);
        var expected = Reference.Bilinear(plane, 2, 2, 4, 4, alignCorners: false);
        Check.Close(expected.Concat(expected.Select(v => 10 * v)).ToArray(), resized.ToArray<double>(), 1e-12, 1e-12);
    }

    [Fact]
    public void Resize_downsamples_with_an_antialiasing_triangle_filter()
    {
        using var scope = torch.NewDisposeScope();
        var plane = Enumerable.Range(0, 16).Select(i => (double)(i * 7 % 11)).ToArray();
        var image = torch.FromArray<double>(plane, new long[] { 1, 4, 4 });
        // Halving: output 0 weighs input rows/columns 0..2 by (3, 3, 1)/7, output 1 weighs 1..3 by (1, 3, 3)/7.
        double[][] w = { new[] { 3 / 7.0, 3 / 7.0, 1 / 7.0, 0 }, new[] { 0, 1 / 7.0, 3 / 7.0, 3 / 7.0 } };
        var expected = new double[4];
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 2; j++)
                for (var a = 0; a < 4; a++)
                    for (var b = 0; b < 4; b++)
                        expected[i * 2 + j] += w[i][a] * w[j][b] * plane[a * 4 + b];
        Check.Close(expected, Images.Resize(image, 2, 2).ToArray<double>(), 1e-12, 1e-12, "antialiased");
        // Without antialiasing, halving samples between pixel pairs: the mean of each 2x2 block.
        var block = new[] { 0, 2, 8, 10 }.Select(k => (plane[k] + plane[k + 1] + plane[k + 4] + plane[k + 5]) / 4).ToArray();
        Check.Close(block, Images.Resize(image, 2, 2, antialias: false).ToArray<double>(), 1e-12, 1e-12, "plain bilinear");
        Assert.Equal(new long[] { 1, 1, 2, 2 }, Images.Resize(image.Unsqueeze(0), 2, 2).Shape);
    }
}

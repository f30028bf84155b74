using TransferFunctions.Learning.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Tests.Data;

/// <summary>Real PNG files made with the native encoder.</summary>
internal static class TestImages
{
    /// <summary>A PNG whose pixels are a function of <paramref name="seed"/>, so different seeds give different content.</summary>
    public static byte[] Png(int width, int height, int channels = 3, int seed = 0)
    {
        var pixels = new byte[width * height * channels];
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] = (byte)((i * 31 + seed * 17 + (seed >> 8) * 7) & 0xFF);
        // Make tiny images with nearby seeds differ too.
        pixels[0] = (byte)seed;
        if (pixels.Length > 1) pixels[1] = (byte)(seed >> 8);
        if (pixels.Length > 2) pixels[2] = (byte)(seed >> 16);
        return Png(pixels, width, height, channels);
    }

    public static byte[] Png(byte[] hwc, int width, int height, int channels)
    {
        return ImageCodec.EncodePng(hwc, height, width, channels);
    }
}

namespace TransferFunctions.Learning.Data.Transforms;

/// <summary>One image as managed floats in CHW layout (channel, row, column), usually in [0, 1] before normalization.</summary>
public sealed record ImageArray
{
    public ImageArray(int channels, int height, int width, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"invalid image shape {channels}x{height}x{width} (CxHxW)");
        if (data.Length != channels * height * width)
            throw new ArgumentException($"image data has {data.Length} values, expected {channels}x{height}x{width} = {channels * height * width}");
        Channels = channels;
        Height = height;
        Width = width;
        Data = data;
    }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>Values in CHW order.</summary>
    public float[] Data { get; }

    /// <summary>The value at channel <paramref name="c"/>, row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    public float this[int c, int y, int x] => Data[(c * Height + y) * Width + x];

    /// <summary>Converts 8-bit HWC pixels (as decoders produce them) to CHW floats scaled to [0, 1].</summary>
    public static ImageArray FromHwcBytes(ReadOnlySpan<byte> hwc, int height, int width, int channels)
    {
        if (hwc.Length != height * width * channels)
            throw new ArgumentException($"{hwc.Length} pixel bytes do not match {height}x{width}x{channels} (HxWxC)");
        var data = new float[hwc.Length];
        var plane = height * width;
        for (var p = 0; p < plane; p++)
            for (var c = 0; c < channels; c++)
                data[c * plane + p] = hwc[p * channels + c] / 255f;
        return new ImageArray(channels, height, width, data);
    }

    /// <summary>Converts back to 8-bit HWC pixels, clamping to [0, 1] and rounding.</summary>
    public byte[] ToHwcBytes()
    {
        var plane = Height * Width;
        var hwc = new byte[Data.Length];
        for (var p = 0; p < plane; p++)
            for (var c = 0; c < Channels; c++)
                hwc[p * Channels + c] = (byte)Math.Round(Math.Clamp(Data[c * plane + p], 0f, 1f) * 255f);
        return hwc;
    }
}

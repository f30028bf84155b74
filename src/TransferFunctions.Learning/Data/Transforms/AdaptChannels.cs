namespace TransferFunctions.Learning.Data.Transforms;

/// <summary>
/// Converts between grayscale and colour: 1→3 repeats the channel, 3→1 takes ITU-R BT.601 luma
/// (0.299 R + 0.587 G + 0.114 B); a 4th (alpha) channel is dropped.
/// </summary>
public sealed class AdaptChannels : IImageTransform
{
    private const float LumaRed = 0.299f, LumaGreen = 0.587f, LumaBlue = 0.114f;

    public AdaptChannels(int channels)
    {
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), $"target channel count must be 1 or 3, not {channels}");
        Channels = channels;
    }

    public int Channels { get; }

    public ImageArray Apply(ImageArray image, Random random)
    {
        if (image.Channels == Channels)
            return image;
        var plane = image.Height * image.Width;
        var data = image.Data;
        switch (image.Channels, Channels)
        {
            case (1, 3):
            {
                var output = new float[3 * plane];
                for (var c = 0; c < 3; c++)
                    Array.Copy(data, 0, output, c * plane, plane);
                return new ImageArray(3, image.Height, image.Width, output);
            }
            case (3 or 4, 1):
            {
                var output = new float[plane];
                for (var p = 0; p < plane; p++)
                    output[p] = LumaRed * data[p] + LumaGreen * data[plane + p] + LumaBlue * data[2 * plane + p];
                return new ImageArray(1, image.Height, image.Width, output);
            }
            case (4, 3):
                return new ImageArray(3, image.Height, image.Width, data[..(3 * plane)]);
            case (2, _):
                // Gray + alpha: drop alpha, then adapt the gray channel.
                return Apply(new ImageArray(1, image.Height, image.Width, data[..plane]), random);
            default:
                throw new ArgumentException($"cannot adapt a {image.Channels}-channel image to {Channels} channels");
        }
    }
}

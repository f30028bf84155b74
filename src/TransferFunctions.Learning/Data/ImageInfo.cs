namespace TransferFunctions.Learning.Data;

/// <summary>Dimensions read from an image header, without decoding pixels.</summary>
public readonly record struct ImageInfo(int Width, int Height, int Channels)
{
    public long Pixels => (long)Width * Height;
}

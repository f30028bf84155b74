namespace TransferFunctions.Learning.Data.Transforms;

/// <summary>Crops the centre window (offsets rounded half-to-even, as torchvision does); zero-pads if the image is smaller.</summary>
public sealed class CenterCrop : IImageTransform
{
    public CenterCrop(int height, int width)
    {
        if (height <= 0 || width <= 0)
            throw new ArgumentOutOfRangeException(nameof(height), $"crop size {width}x{height} must be positive");
        Height = height;
        Width = width;
    }

    public int Height { get; }
    public int Width { get; }

    public ImageArray Apply(ImageArray image, Random random) =>
        Crop.Window(image,
            (int)Math.Round((image.Height - Height) / 2.0, MidpointRounding.ToEven),
            (int)Math.Round((image.Width - Width) / 2.0, MidpointRounding.ToEven),
            Height, Width);
}

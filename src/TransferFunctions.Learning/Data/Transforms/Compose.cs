namespace TransferFunctions.Learning.Data.Transforms;

/// <summary>Applies transforms in order.</summary>
public sealed class Compose(params IReadOnlyList<IImageTransform> transforms) : IImageTransform
{
    public IReadOnlyList<IImageTransform> Transforms { get; } = transforms;

    public ImageArray Apply(ImageArray image, Random random)
    {
        foreach (var transform in Transforms)
            image = transform.Apply(image, random);
        return image;
    }
}

namespace TransferFunctions.Learning.Data;

/// <summary>Loads an example's pixels as 8-bit HWC bytes, from a file (decoded) or from in-memory images.</summary>
internal sealed class ExampleImageSource(DatasetDescription dataset, IImageDecoder decoder, long maxPixels)
{
    public async ValueTask<DecodedImage> LoadAsync(ExampleRecord example, CancellationToken cancellationToken)
    {
        if (example.Path is null)
        {
            var images = dataset.Images
                ?? throw new InvalidOperationException($"example {example.DisplayName} is in-memory but dataset {dataset.SourceFile ?? dataset.Root} holds no images");
            return new DecodedImage(ExampleContent.InMemoryBytes(dataset, example).ToArray(), images.Height, images.Width, images.Channels);
        }

        var bytes = await ExampleContent.ReadAsync(dataset, example, cancellationToken).ConfigureAwait(false);
        try
        {
            return decoder.Decode(bytes, 0, maxPixels);
        }
        catch (ImageDecodeException e)
        {
            throw new ImageDecodeException($"{example.Location}: cannot decode '{example.Path}' under {dataset.Root}: {e.Message}", e);
        }
    }
}

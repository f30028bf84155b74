using TransferFunctions.Learning.Data.Transforms;

namespace TransferFunctions.Learning.Data;

/// <summary>Loads an example's pixels as a CHW float image, from a file (decoded) or from in-memory images.</summary>
internal sealed class ExampleImageSource(DatasetDescription dataset, IImageDecoder decoder, long maxPixels)
{
    public async ValueTask<ImageArray> LoadAsync(ExampleRecord example, CancellationToken cancellationToken)
    {
        if (example.Path is null)
        {
            var images = dataset.Images
                ?? throw new InvalidOperationException($"example {example.DisplayName} is in-memory but dataset {dataset.SourceFile ?? dataset.Root} holds no images");
            return ImageArray.FromHwcBytes(ExampleContent.InMemoryBytes(dataset, example), images.Height, images.Width, images.Channels);
        }

        var bytes = await ExampleContent.ReadAsync(dataset, example, cancellationToken).ConfigureAwait(false);
        try
        {
            var decoded = decoder.Decode(bytes, 0, maxPixels);
            return ImageArray.FromHwcBytes(decoded.Pixels, decoded.Height, decoded.Width, decoded.Channels);
        }
        catch (ImageDecodeException e)
        {
            throw new ImageDecodeException($"{example.Location}: cannot decode '{example.Path}' under {dataset.Root}: {e.Message}", e);
        }
    }
}

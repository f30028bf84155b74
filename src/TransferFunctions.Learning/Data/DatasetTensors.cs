using TransferFunctions.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Data;

/// <summary>Examples of an image dataset as model input tensors, decoded and preprocessed for an <see cref="InputSpec"/>.</summary>
public static class DatasetTensors
{
    /// <summary>
    /// Inputs [N, C, H, W] for <paramref name="examples"/>: in-memory pixels directly, files decoded (any size or
    /// channel count; each is resized and channel-adapted to <paramref name="spec"/>).
    /// </summary>
    public static async Task<Tensor> ImagesAsync(DatasetDescription dataset, IReadOnlyList<ExampleRecord> examples, InputSpec spec, CancellationToken cancellationToken = default)
    {
        if (dataset.Embeddings is not null)
            throw new ArgumentException($"{dataset.SourceFile ?? dataset.Root} holds precomputed embeddings; image models need images");
        if (examples.Count == 0) return torch.zeros(0, spec.Channels, spec.Height, spec.Width);
        if (dataset.Images is not null && examples.All(e => e.Path is null))
        {
            var positions = examples.Select(e => e.Index ?? throw new ArgumentException($"example {e.DisplayName} has no index")).ToArray();
            var indexed = dataset with { Examples = positions.Select(i => new ExampleRecord { Index = i, Label = "" }).ToArray() };
            return InMemoryTensors.Images(indexed, Enumerable.Range(0, positions.Length).ToArray(), spec);
        }
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>(examples.Count);
        foreach (var example in examples)
        {
            var bytes = await ExampleContent.ReadAsync(dataset, example, cancellationToken).ConfigureAwait(false);
            parts.Add(Decode(bytes, spec, example.Location));
        }
        return scope.MoveToOuter(cat(parts));
    }

    /// <summary>Every image file under <paramref name="folder"/> (recursively, sorted), e.g. unlabeled target examples.</summary>
    public static async Task<Tensor> FolderImagesAsync(string folder, InputSpec spec, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full)) throw new DatasetFormatException(full, null, "folder of unlabeled images does not exist");
        var files = Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
            .Where(f => ImageFolderReader.ImageExtensions.Contains(Path.GetExtension(f)))
            .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new DatasetFormatException(full, null, $"no image files ({string.Join(", ", ImageFolderReader.ImageExtensions)}) found");
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>(files.Count);
        foreach (var file in files)
            parts.Add(Decode(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false), spec, file));
        return scope.MoveToOuter(cat(parts));
    }

    /// <summary>Class indices (int64) of <paramref name="examples"/> in <paramref name="labels"/>; an unknown label is an error naming the example.</summary>
    public static Tensor Labels(IReadOnlyList<ExampleRecord> examples, IReadOnlyList<string> labels)
    {
        var index = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => (long)x.i, StringComparer.Ordinal);
        return torch.tensor(examples.Select(e => index.TryGetValue(e.Label, out var v)
            ? v
            : throw new ArgumentException($"{e.Location}: label '{e.Label}' is not one of the model's labels ({string.Join(", ", labels)})")).ToArray());
    }

    /// <summary>Class indices of an extra label column; -1 where an example has no value.</summary>
    public static Tensor ColumnLabels(IReadOnlyList<ExampleRecord> examples, string column, IReadOnlyList<string> vocabulary)
    {
        var index = vocabulary.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => (long)x.i, StringComparer.Ordinal);
        return torch.tensor(examples.Select(e => e.ExtraLabels.TryGetValue(column, out var v) && index.TryGetValue(v, out var i) ? i : -1L).ToArray());
    }

    private static Tensor Decode(byte[] bytes, InputSpec spec, string location)
    {
        using var scope = NewDisposeScope();
        (byte[] Pixels, int Height, int Width, int Channels) image;
        try
        {
            image = ImageCodec.Decode(bytes);
        }
        catch (ImageDecodeException e)
        {
            throw new ImageDecodeException($"{location}: cannot decode: {e.Message}", e);
        }
        var nhwc = torch.tensor(image.Pixels, new long[] { 1, image.Height, image.Width, image.Channels });
        return scope.MoveToOuter(Preprocessing.ToModelInput(nhwc, spec));
    }
}

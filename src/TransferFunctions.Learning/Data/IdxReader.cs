using System.Buffers.Binary;
using System.IO.Compression;

namespace TransferFunctions.Learning.Data;

/// <summary>
/// Reads MNIST-style IDX files (raw or gzip-compressed): unsigned-byte images (magic 0x00000803,
/// [count, rows, cols]) and labels (magic 0x00000801, [count]).
/// </summary>
public static class IdxReader
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an IDX image file into single-channel in-memory images.</summary>
    public static async Task<InMemoryImages> ReadImagesAsync(string path, CancellationToken cancellationToken = default)
    {
        var bytes = await ReadDecompressedAsync(path, cancellationToken).ConfigureAwait(false);
        RequireLength(bytes, 16, path, "image header");
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != ImagesMagic)
            throw new DatasetFormatException(path, null, $"magic number 0x{magic:X8} is not an IDX image file (expected 0x{ImagesMagic:X8})");
        var count = ReadDimension(bytes, 4, path, "image count");
        var rows = ReadDimension(bytes, 8, path, "rows");
        var cols = ReadDimension(bytes, 12, path, "columns");
        if (rows == 0 || cols == 0)
            throw new DatasetFormatException(path, null, $"images of {rows}x{cols} pixels");
        var expected = 16L + (long)count * rows * cols;
        if (bytes.LongLength != expected)
            throw new DatasetFormatException(path, null,
                $"header declares {count} images of {rows}x{cols} ({expected} bytes with the header) but the file holds {bytes.LongLength} bytes");
        return new InMemoryImages(bytes.AsSpan(16).ToArray(), count, rows, cols, channels: 1);
    }

    /// <summary>Reads an IDX label file.</summary>
    public static async Task<byte[]> ReadLabelsAsync(string path, CancellationToken cancellationToken = default)
    {
        var bytes = await ReadDecompressedAsync(path, cancellationToken).ConfigureAwait(false);
        RequireLength(bytes, 8, path, "label header");
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != LabelsMagic)
            throw new DatasetFormatException(path, null, $"magic number 0x{magic:X8} is not an IDX label file (expected 0x{LabelsMagic:X8})");
        var count = ReadDimension(bytes, 4, path, "label count");
        if (bytes.LongLength != 8L + count)
            throw new DatasetFormatException(path, null, $"header declares {count} labels but the file holds {bytes.LongLength - 8} label bytes");
        return bytes.AsSpan(8).ToArray();
    }

    /// <summary>
    /// Reads an image file and its label file into one in-memory dataset. <paramref name="classNames"/> names
    /// label values 0..n-1; when null, labels are named by their digit ("0".."9").
    /// </summary>
    public static async Task<DatasetDescription> ReadDatasetAsync(
        string imagesPath, string labelsPath, IReadOnlyList<string>? classNames = null, CancellationToken cancellationToken = default)
    {
        var images = await ReadImagesAsync(imagesPath, cancellationToken).ConfigureAwait(false);
        var labels = await ReadLabelsAsync(labelsPath, cancellationToken).ConfigureAwait(false);
        if (labels.Length != images.Count)
            throw new DatasetFormatException(labelsPath, null,
                $"{labels.Length} labels but {imagesPath} holds {images.Count} images; the counts must match");

        var names = classNames ?? Enumerable.Range(0, labels.Length == 0 ? 0 : labels.Max() + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var examples = new ExampleRecord[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= names.Count)
                throw new DatasetFormatException(labelsPath, null, $"label #{i} has value {labels[i]}, but only {names.Count} class names are known");
            examples[i] = new ExampleRecord { Index = i, Label = names[labels[i]] };
        }

        return new DatasetDescription
        {
            Root = Path.GetDirectoryName(Path.GetFullPath(imagesPath))!,
            Format = DatasetFormat.Idx,
            Examples = examples,
            Labels = names.ToArray(),
            SourceFile = Path.GetFullPath(imagesPath),
            Images = images,
        };
    }

    private static async Task<byte[]> ReadDecompressedAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw new DatasetFormatException(path, null, "IDX file does not exist");
        var raw = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b)
            return raw;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var output = new MemoryStream();
            await gzip.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException(path, null, $"corrupt gzip data: {e.Message}", e);
        }
    }

    private static void RequireLength(byte[] bytes, int length, string path, string what)
    {
        if (bytes.Length < length)
            throw new DatasetFormatException(path, null, $"file is {bytes.Length} bytes, too short for the {length}-byte IDX {what}");
    }

    private static int ReadDimension(byte[] bytes, int offset, string path, string what)
    {
        var value = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset));
        if (value < 0)
            throw new DatasetFormatException(path, null, $"negative {what} {value}");
        return value;
    }
}

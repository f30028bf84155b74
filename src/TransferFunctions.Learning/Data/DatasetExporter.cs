using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Data;

/// <summary>
/// Writes examples of any image dataset (typically in-memory IDX images) as PNG files in an image-folder or
/// CSV-manifest layout, e.g. to deliver a batch of data the way a user would.
/// </summary>
public static class DatasetExporter
{
    /// <summary>Name of the manifest written by the <see cref="ExportLayout.CsvManifest"/> layout.</summary>
    public const string ManifestFileName = "manifest.csv";

    /// <summary>
    /// Writes the examples at <paramref name="positions"/> (indices into <c>source.Examples</c>) under
    /// <paramref name="targetDirectory"/> and returns the written dataset as read back from disk. The manifest,
    /// then the optional <c>_READY</c> marker, are written last so a watcher never sees a partial batch as complete.
    /// </summary>
    public static async Task<DatasetDescription> ExportAsync(
        DatasetDescription source,
        IEnumerable<int> positions,
        string targetDirectory,
        ExportLayout layout,
        bool writeReadyMarker = false,
        CancellationToken cancellationToken = default)
    {
        var target = Path.GetFullPath(targetDirectory);
        Directory.CreateDirectory(target);
        if (Directory.EnumerateFileSystemEntries(target).Any())
            throw new IOException($"export target {target} is not empty; export into a new folder");

        var folders = layout == ExportLayout.ImageFolder ? FolderNames(source.Labels) : null;
        var imageSource = new ExampleImageSource(source, SkiaImageDecoder.Instance, ImageCodec.DefaultMaxPixels);
        var extraColumns = source.ExtraLabelVocabularies.Keys.Order(StringComparer.Ordinal).ToArray();
        var rows = new List<string>();

        foreach (var position in positions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if ((uint)position >= (uint)source.Examples.Count)
                throw new ArgumentOutOfRangeException(nameof(positions), $"example position {position} is outside the {source.Examples.Count} examples");
            var example = source.Examples[position];
            var image = await imageSource.LoadAsync(example, cancellationToken).ConfigureAwait(false);
            var png = ImageCodec.EncodePng(image.Pixels, image.Height, image.Width, image.Channels);

            var fileName = $"{position:D6}.png";
            var relative = layout == ExportLayout.ImageFolder ? $"{folders![example.Label]}/{fileName}" : $"images/{fileName}";
            var full = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllBytesAsync(full, png, cancellationToken).ConfigureAwait(false);

            if (layout == ExportLayout.CsvManifest)
                rows.Add(CsvRecords.Format(
                    new[] { relative, example.Label, SplitName(example.Split), example.Domain ?? "" }
                        .Concat(extraColumns.Select(c => example.ExtraLabels.TryGetValue(c, out var v) ? v : ""))));
        }

        if (layout == ExportLayout.ImageFolder)
        {
            // Empty classes still get their folder so the vocabulary survives the round trip.
            foreach (var folder in folders!.Values)
                Directory.CreateDirectory(Path.Combine(target, folder));
        }
        else
        {
            var header = CsvRecords.Format(new[] { "path", "label", "split", "domain" }.Concat(extraColumns));
            await File.WriteAllLinesAsync(Path.Combine(target, ManifestFileName), rows.Prepend(header), cancellationToken).ConfigureAwait(false);
        }
        if (writeReadyMarker)
            await File.WriteAllTextAsync(Path.Combine(target, ImageFolderReader.ReadyMarker), "", cancellationToken).ConfigureAwait(false);

        return layout == ExportLayout.ImageFolder
            ? ImageFolderReader.Read(target)
            : await ManifestReader.ReadCsvAsync(Path.Combine(target, ManifestFileName), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A folder name per label: path separators become '-', and names a file system would hide or refuse are rejected.</summary>
    internal static IReadOnlyDictionary<string, string> FolderNames(IReadOnlyList<string> labels)
    {
        var invalid = Path.GetInvalidFileNameChars().Concat(['/', '\\', ':']).ToHashSet();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            var name = new string(label.Select(ch => invalid.Contains(ch) ? '-' : ch).ToArray()).Trim();
            if (name.Length == 0 || name.StartsWith('.') || name is ImageFolderReader.ReadyMarker or ImageFolderReader.UnlabeledFolder)
                throw new ArgumentException($"label '{label}' cannot be a folder name; export with the CSV manifest layout instead");
            if (taken.TryGetValue(name, out var other))
                throw new ArgumentException($"labels '{other}' and '{label}' both become folder '{name}'; export with the CSV manifest layout instead");
            taken[name] = label;
            names[label] = name;
        }
        return names;
    }

    private static string SplitName(DatasetSplit? split) => split switch
    {
        DatasetSplit.Train => "train",
        DatasetSplit.Validation => "val",
        DatasetSplit.Test => "test",
        _ => "",
    };
}

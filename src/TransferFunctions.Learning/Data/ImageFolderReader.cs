namespace TransferFunctions.Learning.Data;

/// <summary>Reads the <c>{root}/{label}/{file}</c> layout: each folder under the root is a class.</summary>
public static class ImageFolderReader
{
    /// <summary>Image file extensions accepted, compared case-insensitively.</summary>
    public static readonly IReadOnlySet<string> ImageExtensions =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".gif" };

    /// <summary>The marker written last when a batch has fully arrived; not data.</summary>
    public const string ReadyMarker = "_READY";

    /// <summary>A batch's folder of unlabeled target-domain images (for domain adaptation); reserved, never a class.</summary>
    public const string UnlabeledFolder = "_unlabeled";

    /// <summary>
    /// Lists the examples under <paramref name="root"/>. Hidden entries, the <c>_READY</c> marker and the
    /// <c>_unlabeled</c> folder are ignored;
    /// nested folders, non-image files and stray files at the root are errors naming the path. A class folder
    /// with no images stays in the vocabulary so validation can report it as an empty class.
    /// </summary>
    public static DatasetDescription Read(string root)
    {
        var rootFull = Path.GetFullPath(root);
        if (!Directory.Exists(rootFull))
            throw new DatasetFormatException(rootFull, null, "dataset folder does not exist");

        var labels = new List<string>();
        var examples = new List<ExampleRecord>();
        foreach (var entry in Sorted(new DirectoryInfo(rootFull).EnumerateFileSystemInfos()))
        {
            if (IsIgnored(entry))
                continue;
            if (entry is not DirectoryInfo labelDir)
                throw new DatasetFormatException(entry.FullName, null,
                    $"unexpected file at the dataset root; an image folder holds only {{label}}/{{file}} (and {ReadyMarker})");
            labels.Add(labelDir.Name);
            foreach (var item in Sorted(labelDir.EnumerateFileSystemInfos()))
            {
                if (IsIgnored(item))
                    continue;
                if (item is DirectoryInfo)
                    throw new DatasetFormatException(item.FullName, null,
                        "nested folder inside a class folder; an image folder is exactly {root}/{label}/{file}");
                if (!ImageExtensions.Contains(item.Extension))
                    throw new DatasetFormatException(item.FullName, null,
                        $"not an image file (expected one of {string.Join(", ", ImageExtensions)})");
                var relative = $"{labelDir.Name}/{item.Name}";
                DatasetPaths.Resolve(rootFull, relative, item.FullName, null);
                examples.Add(new ExampleRecord { Path = relative, Label = labelDir.Name });
            }
        }

        return new DatasetDescription
        {
            Root = rootFull,
            Format = DatasetFormat.ImageFolder,
            Examples = examples,
            Labels = LabelVocabulary.Build(labels),
        };
    }

    private static bool IsIgnored(FileSystemInfo entry) =>
        entry.Name.StartsWith('.') || entry.Attributes.HasFlag(FileAttributes.Hidden) || entry.Name is ReadyMarker or UnlabeledFolder;

    private static IEnumerable<FileSystemInfo> Sorted(IEnumerable<FileSystemInfo> entries) =>
        entries.OrderBy(e => e.Name, StringComparer.Ordinal);
}

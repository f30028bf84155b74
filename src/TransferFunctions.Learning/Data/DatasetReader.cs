namespace TransferFunctions.Learning.Data;

/// <summary>Reads a dataset in whichever supported format a path holds.</summary>
public static class DatasetReader
{
    /// <summary>Manifest names looked for, in order, when a folder is given.</summary>
    public static readonly IReadOnlyList<string> ManifestNames = ["manifest.csv", "manifest.jsonl"];

    /// <summary>
    /// A folder is read through its <c>manifest.csv</c>/<c>manifest.jsonl</c> when it has one, else as an image
    /// folder; a file by its extension: <c>.csv</c>/<c>.jsonl</c>/<c>.ndjson</c> manifests or <c>.safetensors</c>
    /// embeddings. (Embedding CSVs and IDX files have their own readers: a CSV alone cannot tell which it is.)
    /// </summary>
    public static async Task<DatasetDescription> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            foreach (var name in ManifestNames)
            {
                var manifest = Path.Combine(full, name);
                if (File.Exists(manifest))
                    return await ManifestReader.ReadAsync(manifest, cancellationToken).ConfigureAwait(false);
            }
            return ImageFolderReader.Read(full);
        }
        if (!File.Exists(full))
            throw new DatasetFormatException(full, null, "no such file or folder");
        return Path.GetExtension(full).ToLowerInvariant() switch
        {
            ".safetensors" => await EmbeddingReader.ReadSafetensorsAsync(full, cancellationToken).ConfigureAwait(false),
            _ => await ManifestReader.ReadAsync(full, cancellationToken).ConfigureAwait(false),
        };
    }
}

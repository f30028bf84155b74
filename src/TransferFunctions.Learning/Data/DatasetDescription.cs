namespace TransferFunctions.Learning.Data;

/// <summary>
/// A dataset as parsed from any supported format: where it lives, its examples, and its label vocabularies.
/// File examples are relative to <see cref="Root"/>; in-memory examples index <see cref="Images"/> or
/// <see cref="Embeddings"/>.
/// </summary>
public sealed record DatasetDescription
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoExtraVocabularies =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Absolute folder that file paths are relative to (the manifest's folder, or the image-folder root).</summary>
    public required string Root { get; init; }

    public required DatasetFormat Format { get; init; }

    public required IReadOnlyList<ExampleRecord> Examples { get; init; }

    /// <summary>The class names of the primary task; a label's position is its class index.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Vocabularies of the extra (multi-task) label columns, by column name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ExtraLabelVocabularies { get; init; } = NoExtraVocabularies;

    /// <summary>The manifest or data file the description was read from, if any.</summary>
    public string? SourceFile { get; init; }

    /// <summary>Pixels of in-memory image datasets (IDX).</summary>
    public InMemoryImages? Images { get; init; }

    /// <summary>Feature vectors of precomputed-embedding datasets.</summary>
    public EmbeddingMatrix? Embeddings { get; init; }

    /// <summary>
    /// File datasets read from sub-folders of <paramref name="root"/> (batches delivered one at a time) as one dataset:
    /// each part's paths gain its folder as prefix, and the label vocabularies — primary and extra columns — are rebuilt
    /// over all examples in the canonical order a single reader would have given them.
    /// </summary>
    public static DatasetDescription Merge(string root, IEnumerable<(string Folder, DatasetDescription Part)> parts)
    {
        var examples = new List<ExampleRecord>();
        var columns = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (folder, part) in parts)
        {
            if (part.Images is not null || part.Embeddings is not null)
                throw new ArgumentException($"'{folder}' is an in-memory dataset; only file datasets can be merged", nameof(parts));
            columns.UnionWith(part.ExtraLabelVocabularies.Keys);
            examples.AddRange(part.Examples.Select(e => e with { Path = e.Path is null ? null : $"{folder}/{e.Path}" }));
        }
        return new DatasetDescription
        {
            Root = root,
            Format = DatasetFormat.ImageFolder,
            Examples = examples,
            Labels = LabelVocabulary.Build(examples.Select(e => e.Label)),
            ExtraLabelVocabularies = LabelVocabulary.BuildExtra(columns, examples),
        };
    }

    /// <summary>The class index of <paramref name="label"/>; throws naming the known labels when it is not one.</summary>
    public int LabelIndex(string label)
    {
        for (var i = 0; i < Labels.Count; i++)
            if (string.Equals(Labels[i], label, StringComparison.Ordinal))
                return i;
        throw new KeyNotFoundException($"unknown label '{label}'; known labels: {string.Join(", ", Labels)}");
    }
}

namespace TransferFunctions.Learning.Data;

/// <summary>
/// One labeled example: either a file under the dataset root (<see cref="Path"/>) or a row of an in-memory
/// dataset (<see cref="Index"/>).
/// </summary>
public sealed record ExampleRecord
{
    private static readonly IReadOnlyDictionary<string, string> NoExtraLabels = new Dictionary<string, string>();

    /// <summary>Path relative to the dataset root, with '/' separators; null for in-memory examples.</summary>
    public string? Path { get; init; }

    /// <summary>Row of the in-memory images or embeddings; null for file examples.</summary>
    public int? Index { get; init; }

    /// <summary>The class label (the primary task).</summary>
    public required string Label { get; init; }

    /// <summary>
    /// The split given by the user, or the one assigned by <see cref="StableSplitter"/>; null while unassigned.
    /// </summary>
    public DatasetSplit? Split { get; init; }

    /// <summary>Optional domain tag (e.g. source/target), used by domain adaptation.</summary>
    public string? Domain { get; init; }

    /// <summary>Labels of further tasks for multi-task training, keyed by column name; absent when not given.</summary>
    public IReadOnlyDictionary<string, string> ExtraLabels { get; init; } = NoExtraLabels;

    /// <summary>1-based line of the manifest this example came from, for error messages.</summary>
    public int? SourceLine { get; init; }

    /// <summary>Lower-case hex SHA-256 of the example's content, once computed.</summary>
    public string? ContentHash { get; init; }

    /// <summary>A short name for messages: the path, or <c>#index</c>.</summary>
    public string DisplayName => Path ?? $"#{Index}";

    /// <summary>Where the example came from, for messages: "line N (path)" or the display name.</summary>
    public string Location => SourceLine is { } line ? $"line {line} ({DisplayName})" : DisplayName;
}

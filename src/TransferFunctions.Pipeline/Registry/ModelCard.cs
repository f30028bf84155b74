namespace TransferFunctions.Pipeline.Registry;

/// <summary>
/// Everything known about one immutable model version (<c>models/{name}/v{n}/model.json</c>):
/// what it is, what it was made from and how, and how well it did. Pass one with
/// <see cref="Version"/> 0 to <see cref="ModelRegistry.RegisterAsync(ModelCard, Stream, CancellationToken)"/>;
/// the registry fills in version, creation time, weights digest and size.
/// </summary>
public sealed record ModelCard
{
    /// <summary>Registry name: lowercase letters, digits, '.', '_' and '-'.</summary>
    public required string Name { get; init; }

    /// <summary>1, 2, …; 0 until registered.</summary>
    public int Version { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary><c>sha256:</c> and 64 hex digits of the weights file; checked on every open.</summary>
    public string WeightsDigest { get; init; } = "";

    public long WeightsSizeBytes { get; init; }

    /// <summary>Model zoo architecture id with its head, e.g. <c>resnet18/classes=10</c>.</summary>
    public required string Architecture { get; init; }

    /// <summary>Class names, in output index order.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    public ModelInputSpec? Input { get; init; }

    /// <summary>The pretrained model this one was adapted from; null when trained from scratch.</summary>
    public ModelLineage? BaseModel { get; init; }

    /// <summary>Digest of the dataset it was trained on (from validation).</summary>
    public string? DatasetDigest { get; init; }

    /// <summary>Digest of the unlabeled target images that came with the batches (used by <c>domain-adapt</c>); null when there were none.</summary>
    public string? UnlabeledDatasetDigest { get; init; }

    /// <summary>The pipeline run that produced it.</summary>
    public string? RunId { get; init; }

    /// <summary>Adaptation strategy, e.g. <c>linear-probe</c>, <c>fine-tune</c>, <c>scratch</c>.</summary>
    public string? Strategy { get; init; }

    /// <summary>Hyperparameters as text, as experiment trackers keep them (exact, whatever their type).</summary>
    public IReadOnlyDictionary<string, string> Hyperparameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Source revision of the code that trained it.</summary>
    public string? CodeVersion { get; init; }

    /// <summary>Evaluation results on the held-out split, e.g. <c>accuracy</c>, <c>macro_f1</c>.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>License of the weights (inherited from the base model and the data).</summary>
    public string? License { get; init; }

    /// <summary>Where the base weights and the data came from, in words.</summary>
    public string? Provenance { get; init; }

    public string? Notes { get; init; }

    /// <summary>
    /// The model package's own manifest (architecture, heads, input contract, source task), from which
    /// the weights are rebuilt into a runnable model.
    /// </summary>
    public TransferFunctions.Learning.Models.ModelManifest? Package { get; init; }
}

namespace TransferFunctions.Learning.Models;

/// <summary>
/// <c>model.json</c> of a model package: everything needed to rebuild, trust and credit a model —
/// architecture and input contract, labels, where its knowledge came from (source data and its
/// digest, base model), how it was trained, how good it was, under which license, by which code.
/// </summary>
public sealed record ModelManifest
{
    public required string Name { get; init; }
    public required string Architecture { get; init; }
    public required InputSpec Input { get; init; }
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Extra heads for multi-task models: label column → its labels.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ExtraHeads { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Hidden units of an MLP head (<c>fc.0</c>/<c>fc.3</c>); null or 0 for torchvision's linear <c>fc</c>.</summary>
    public int? HeadHiddenUnits { get; init; }

    /// <summary>
    /// For a TorchScript base (<see cref="TorchScriptBackbone"/>): the child module of <c>model.pt</c> whose output is the
    /// feature vector (e.g. <c>features</c>); null means the whole module's forward gives the features.
    /// </summary>
    public string? FeatureLayer { get; init; }

    public string? SourceDataset { get; init; }
    public string? SourceDatasetDigest { get; init; }

    /// <summary>Labels of the source task the backbone was trained on, when the package knows them (for retention checks).</summary>
    public IReadOnlyList<string>? SourceLabels { get; init; }

    public double? SourceTestAccuracy { get; init; }
    public BaseModelReference? BaseModel { get; init; }
    public IReadOnlyDictionary<string, string> Training { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
    public required string License { get; init; }
    public required string Provenance { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CodeVersion { get; init; }

    /// <summary>SHA-256 (hex) of weights.safetensors; checked on every load.</summary>
    public string WeightsDigest { get; init; } = "";
}

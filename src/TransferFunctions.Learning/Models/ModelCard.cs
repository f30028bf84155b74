using System.Text.Json.Serialization;

namespace TransferFunctions.Learning.Models;

/// <summary>
/// <c>model.json</c>: the one card of a model, whether it is a package directory (a shipped or imported base), a model
/// staged by a run, or an immutable registry version. It says everything needed to rebuild, trust and credit the
/// weights: architecture, heads and input contract, labels, where its knowledge came from (source data, base model with
/// its version and digest, dataset digest, run), how it was trained, how good it was, under which license, by which code.
/// </summary>
/// <remarks>
/// One JSON format (<see cref="ModelCardJson"/>, snake_case) and one digest format (<see cref="ModelPackage.Digest"/>,
/// <c>sha256:</c> and 64 hex digits) everywhere. Cards written by older versions are read by <see cref="ModelCardJson.Parse"/>.
/// </remarks>
public sealed record ModelCard
{
    public required string Name { get; init; }

    /// <summary>Registry version (1, 2, …); 0 for a card that is not a registry version (a package directory, a staged model).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Version { get; init; }

    /// <summary>Model zoo architecture id (<see cref="ResNetSpec.ByName"/>), e.g. <c>compact-resnet</c>.</summary>
    public required string Architecture { get; init; }

    public required InputSpec Input { get; init; }

    /// <summary>Class names of the primary head, in output index order.</summary>
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

    /// <summary>Labels of the source task the backbone was trained on, when the card knows them (for retention checks).</summary>
    public IReadOnlyList<string>? SourceLabels { get; init; }

    public double? SourceTestAccuracy { get; init; }

    /// <summary>The pretrained model this one was adapted from (with its registry version when it was one); null when trained from scratch.</summary>
    public BaseModelReference? BaseModel { get; init; }

    /// <summary>Digest of the labeled dataset it was trained on (from validation).</summary>
    public string? DatasetDigest { get; init; }

    /// <summary>Digest of the unlabeled target images that came with the batches (used by <c>domain-adapt</c>); null when there were none.</summary>
    public string? UnlabeledDatasetDigest { get; init; }

    /// <summary>The pipeline run that produced it.</summary>
    public string? RunId { get; init; }

    /// <summary>Adaptation strategy, e.g. <c>linear-probe</c>, <c>fine-tune</c>, <c>scratch</c>.</summary>
    public string? Strategy { get; init; }

    /// <summary>Hyperparameters and training facts as text, as experiment trackers keep them (exact, whatever their type).</summary>
    public IReadOnlyDictionary<string, string> Training { get; init; } = new Dictionary<string, string>();

    /// <summary>Measured results, e.g. <c>validation_accuracy</c>, <c>test_accuracy</c>, <c>test_macro_f1</c>.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>License of the weights (inherited from the base model and the data).</summary>
    public required string License { get; init; }

    /// <summary>Where the weights and the data came from, in words.</summary>
    public string Provenance { get; init; } = "";

    public string? Notes { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Source revision of the code that trained it.</summary>
    public string CodeVersion { get; init; } = "";

    /// <summary><see cref="ModelPackage.Digest"/> of <c>weights.safetensors</c> (<c>sha256:…</c>); checked on every load.</summary>
    public string WeightsDigest { get; init; } = "";

    /// <summary>Size of <c>weights.safetensors</c> in bytes (filled in by the registry; 0 when not recorded).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long WeightsSizeBytes { get; init; }
}

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// Configuration section <c>Pipeline</c>: where the pipeline keeps local scratch files, which base models it may load,
/// and the data checks' thresholds.
/// </summary>
public sealed record PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>Name that stands for the embedded default base model in requests.</summary>
    public const string EmbeddedBase = "embedded";

    /// <summary>Local scratch directory for downloaded batches (per run: {WorkDirectory}/{runId}, deleted when the step ends).</summary>
    public string WorkDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "transferfunctions-work");

    /// <summary>The embedded default base model package (shipped with the application).</summary>
    public string EmbeddedBaseDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "models", "base", "fashion-compact");

    /// <summary>
    /// Folders holding base-model package directories a request may name by directory name (<c>baseModel: "dir:NAME"</c>
    /// or a plain name found here). A request never supplies a path: anything else resolves through the registry.
    /// </summary>
    public IReadOnlyList<string> BaseModelDirectories { get; set; } = [];

    /// <summary>
    /// Base models usable by name (<c>fashion-compact</c>, <c>imagenet-resnet18</c>): packages in this directory, shipped
    /// with the application or, for the ImageNet one, imported from the restored NuGet package by <c>./tf build</c>.
    /// </summary>
    public string ShippedBasesDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "models", "base");

    /// <summary>Names of the bases under <see cref="ShippedBasesDirectory"/>.</summary>
    public static readonly IReadOnlySet<string> ShippedBaseNames = new HashSet<string>(StringComparer.Ordinal) { "fashion-compact", "imagenet-resnet18" };

    /// <summary>
    /// Whether base-model folders (<see cref="BaseModelDirectories"/>) may hold model code (TorchScript, ONNX), which runs
    /// when loaded; off by default (see <see cref="ModelCode"/>).
    /// </summary>
    public bool TrustModelCode { get; set; }

    /// <summary>Images above this many pixels are refused before decoding.</summary>
    public long MaxPixels { get; set; } = 4096L * 4096;

    /// <summary>Fewer training examples than this in a class is a warning (zero is an error).</summary>
    public int MinExamplesPerClass { get; set; } = 5;

    /// <summary>Fewer test examples than this in a class makes the run's accuracies too coarse to gate on: a warning, and the gate's minimum-test-size rule fails.</summary>
    public int MinTestExamplesPerClass { get; set; } = 5;

    /// <summary>Engine device of the compute steps when a run names none (configuration key <c>Engine:Device</c>): auto, cpu, cuda, cuda:N.</summary>
    public string Device { get; set; } = TransferFunctions.Learning.Engine.EngineDevice.Auto;
}

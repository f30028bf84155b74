namespace TransferFunctions.Pipeline.Steps;

/// <summary>Where the pipeline keeps local scratch files and which base model it uses by default.</summary>
public sealed record PipelineOptions
{
    /// <summary>Name that stands for the embedded default base model in requests.</summary>
    public const string EmbeddedBase = "embedded";

    /// <summary>Local scratch directory for downloaded batches (per run: {WorkDirectory}/{runId}).</summary>
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "transferfunctions-work");

    /// <summary>The embedded default base model package (shipped with the application).</summary>
    public string EmbeddedBaseDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "models", "base", "fashion-compact");

    /// <summary>
    /// Base models usable by name (<c>fashion-compact</c>, <c>imagenet-resnet18</c>): packages in this directory, shipped
    /// with the application or, for the ImageNet one, imported from the restored NuGet package by <c>./tf build</c>.
    /// </summary>
    public string ShippedBasesDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "models", "base");

    /// <summary>Names of the bases under <see cref="ShippedBasesDirectory"/>.</summary>
    public static readonly IReadOnlySet<string> ShippedBaseNames = new HashSet<string>(StringComparer.Ordinal) { "fashion-compact", "imagenet-resnet18" };

    /// <summary>Images above this many pixels are refused before decoding.</summary>
    public long MaxPixels { get; init; } = 4096L * 4096;

    /// <summary>Fewer training examples than this in a class is a warning (zero is an error).</summary>
    public int MinExamplesPerClass { get; init; } = 5;

    /// <summary>Engine device of the compute steps when a run names none (configuration key <c>Engine:Device</c>): auto, cpu, cuda, cuda:N.</summary>
    public string Device { get; init; } = TransferFunctions.Learning.Engine.EngineDevice.Auto;
}

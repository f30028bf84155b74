using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TransferFunctions.Pipeline.Observability;

/// <summary>
/// The pipeline's traces and metrics, on the runtime's own <see cref="ActivitySource"/> and <see cref="Meter"/> so the core
/// needs no telemetry SDK: a host subscribes (OpenTelemetry: <c>AddSource(PipelineTelemetry.Name)</c>, <c>AddMeter(PipelineTelemetry.Name)</c>).
/// Without a listener every call here is a no-op costing a few nanoseconds.
/// </summary>
public static class PipelineTelemetry
{
    /// <summary>Name of the activity source and of the meter.</summary>
    public const string Name = "TransferFunctions.Pipeline";

    public const string ProjectTag = "tf.project";
    public const string RunTag = "tf.run";
    public const string StepTag = "tf.step";
    /// <summary>
    /// The engine device of a step: the one requested (<c>auto</c>, …) when it starts, replaced by the one the step ran
    /// on (<c>cpu</c>, <c>cuda:0</c>) when the step reports it (feature extraction and the training steps do).
    /// </summary>
    public const string DeviceTag = "tf.device";
    public const string ExamplesTag = "tf.examples";

    /// <summary>On training spans (adapt, train-scratch, probe-baseline): the examples of each split of the run's data.</summary>
    public const string TrainExamplesTag = "tf.examples.train";

    public const string ValidationExamplesTag = "tf.examples.validation";

    public const string TestExamplesTag = "tf.examples.test";
    public const string OutcomeTag = "tf.outcome";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Runs that ended an execution, by outcome (completed, failed, canceled, parked).</summary>
    public static readonly Counter<long> Runs = Meter.CreateCounter<long>("tf.runs", description: "Run executions by outcome");

    /// <summary>Step durations in seconds, by step and outcome.</summary>
    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>("tf.step.duration", unit: "s", description: "Step duration");

    /// <summary>Feature-cache lookups, by hit (true/false).</summary>
    public static readonly Counter<long> FeatureCacheLookups = Meter.CreateCounter<long>("tf.feature_cache.lookups", description: "Feature cache lookups by hit");

    private static Func<int>? _queueDepth;
    private static Func<int>? _parked;

    static PipelineTelemetry()
    {
        Meter.CreateObservableGauge("tf.scheduler.queue_depth", () => _queueDepth?.Invoke() ?? 0, description: "Runs waiting for a scheduler slot");
        Meter.CreateObservableGauge("tf.runs.parked", () => _parked?.Invoke() ?? 0, description: "Runs parked waiting for an event or a timer");
    }

    /// <summary>Where the queue-depth and parked-runs gauges read from (the local host's scheduler).</summary>
    public static void ObserveScheduler(Func<int> queueDepth, Func<int> parked)
    {
        _queueDepth = queueDepth;
        _parked = parked;
    }
}

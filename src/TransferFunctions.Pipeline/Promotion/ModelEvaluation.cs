using System.Text.Json.Serialization;
using TransferFunctions.Learning.Metrics;

namespace TransferFunctions.Pipeline.Promotion;

/// <summary>
/// One model's results on the run's test split: the report, and per-example correctness in the
/// split's order so two models can be compared pairwise (McNemar).
/// </summary>
public sealed record ModelEvaluation(string Model, ClassificationReport Report, [property: JsonConverter(typeof(CorrectnessJsonConverter))] bool[] Correct, BootstrapIntervalSummary? AccuracyInterval = null);

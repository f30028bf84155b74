namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// Input of the evaluate step (the champion is looked up when the step runs). <see cref="Probe"/> is the probe-baseline
/// step's model, null when the project had a champion.
/// </summary>
public sealed record EvaluateRequest(string RunId, RunInput Run, ValidatedDataset Data, TrainedModel Candidate, TrainedModel Scratch, TrainedModel? Probe = null);

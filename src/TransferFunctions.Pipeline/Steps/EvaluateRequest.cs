namespace TransferFunctions.Pipeline.Steps;

/// <summary>Input of the evaluate step (the champion is looked up when the step runs).</summary>
public sealed record EvaluateRequest(string RunId, RunInput Run, ValidatedDataset Data, TrainedModel Candidate, TrainedModel Scratch);

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// Input of the evaluate step: the staged models by store prefix (the champion is looked up when the step runs).
/// <see cref="ProbePrefix"/> is the probe-baseline step's model, null when the project had a champion.
/// </summary>
public sealed record EvaluateRequest(string RunId, RunInput Run, ValidatedDataset Data, string CandidatePrefix, string ScratchPrefix, string? ProbePrefix = null) : IStepRequest;

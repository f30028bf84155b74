namespace TransferFunctions.Pipeline.Steps;

/// <summary>Input of the adapt, train-scratch and probe-baseline steps.</summary>
public sealed record TrainRequest(string RunId, RunInput Run, ValidatedDataset Data, string Strategy, string Role) : IStepRequest;

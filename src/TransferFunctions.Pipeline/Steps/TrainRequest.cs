namespace TransferFunctions.Pipeline.Steps;

/// <summary>Input of the adapt and train-scratch steps.</summary>
public sealed record TrainRequest(string RunId, RunInput Run, ValidatedDataset Data, FeatureReport Features, string Strategy, string Role);

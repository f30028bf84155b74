namespace TransferFunctions.Pipeline.Steps;

/// <summary>One epoch of a training curve, for the report's plots.</summary>
public sealed record EpochPoint(string Phase, int Epoch, double TrainLoss, double? ValidationAccuracy);

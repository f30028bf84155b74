namespace TransferFunctions.Pipeline.Steps;

/// <summary>A model trained by a step and staged in the run's folder (not registered): weights + model.json under <see cref="StagedPrefix"/>.</summary>
public sealed record TrainedModel(string Role, string Strategy, string StagedPrefix, string WeightsDigest, IReadOnlyDictionary<string, string> Hyperparameters, IReadOnlyList<string> Notes, IReadOnlyList<EpochPoint> Curve, double Seconds);

namespace TransferFunctions.Learning.Training;

/// <summary>Per-epoch results of a fit, why it stopped, and which epoch's weights the model holds at the end.</summary>
public sealed record TrainingHistory(IReadOnlyList<EpochResult> Epochs, string StopReason, int BestEpoch, TimeSpan Duration);

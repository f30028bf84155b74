namespace TransferFunctions.Learning.Training;

/// <summary>What one epoch produced: mean training loss and, when a validation set is given, its loss and accuracy.</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double? ValidationLoss, double? ValidationAccuracy, double LearningRate, TimeSpan Duration);

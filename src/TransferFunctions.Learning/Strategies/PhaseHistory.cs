using TransferFunctions.Learning.Training;

namespace TransferFunctions.Learning.Strategies;

/// <summary>One training phase of a strategy ("head warm-up", "fine-tune", ...), its step budget and its history.</summary>
public sealed record PhaseHistory(string Name, int Steps, TrainingHistory History);

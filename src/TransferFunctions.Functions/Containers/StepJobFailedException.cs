namespace TransferFunctions.Functions.Containers;

/// <summary>A step's container execution failed, was stopped, or ran past its timeout.</summary>
public sealed class StepJobFailedException(string message) : Exception(message);

namespace TransferFunctions.Pipeline.Steps;

/// <summary>Input of the validate step.</summary>
public sealed record ValidateRequest(string RunId, RunInput Run) : IStepRequest;

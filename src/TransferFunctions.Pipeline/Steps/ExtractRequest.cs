namespace TransferFunctions.Pipeline.Steps;

/// <summary>Input of the extract-features step.</summary>
public sealed record ExtractRequest(string RunId, RunInput Run, ValidatedDataset Data) : IStepRequest;

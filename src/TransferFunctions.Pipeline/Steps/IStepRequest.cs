namespace TransferFunctions.Pipeline.Steps;

/// <summary>A step's input: names the run whose folder the step reads from and writes its output to.</summary>
public interface IStepRequest
{
    string RunId { get; }
}

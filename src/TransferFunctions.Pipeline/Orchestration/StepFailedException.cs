namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>A step failed; thrown into the orchestrator at the step's call (also on replay, from the journal).</summary>
public sealed class StepFailedException : Exception
{
    public StepFailedException(string stepName, FailureDetails failure)
        : base($"Step '{stepName}' failed with {failure.ErrorType}: {failure.Message}")
    {
        StepName = stepName;
        Failure = failure;
    }

    public string StepName { get; }

    /// <summary>The step's own error type and message, as journaled.</summary>
    public FailureDetails Failure { get; }
}

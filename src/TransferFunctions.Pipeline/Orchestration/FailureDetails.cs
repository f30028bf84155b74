namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>A failure as it is persisted: the exception type name and its message.</summary>
public sealed record FailureDetails(string ErrorType, string Message)
{
    public static FailureDetails From(Exception exception) => new(exception.GetType().Name, exception.Message);
}

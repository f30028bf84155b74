namespace TransferFunctions.Learning.Data;

/// <summary>How serious a validation finding is: errors end a run, warnings are reported.</summary>
public enum IssueSeverity
{
    Warning,
    Error,
}

namespace TransferFunctions.Learning.Data;

/// <summary>One finding of <see cref="DatasetValidator"/>.</summary>
/// <param name="Severity">Errors end a run; warnings are reported.</param>
/// <param name="Code">A stable identifier from <see cref="ValidationCodes"/>.</param>
/// <param name="Message">What is wrong, naming the file or class.</param>
/// <param name="Path">The example's path (or <c>#index</c>) when the finding concerns one example.</param>
public sealed record ValidationIssue(IssueSeverity Severity, string Code, string Message, string? Path = null);

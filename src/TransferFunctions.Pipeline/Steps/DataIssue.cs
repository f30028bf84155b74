namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// One finding of the validate step, kept structured through the run record, the API, the report and the CLI.
/// </summary>
/// <param name="Code">Stable machine code, e.g. <c>corrupt-image</c>, <c>unknown-label</c>, <c>no-ready-batch</c>.</param>
/// <param name="File">The file at fault as a store key (<c>datasets/{project}/{batch}/…</c>), when one is.</param>
/// <param name="Detail">What is wrong, in words.</param>
public sealed record DataIssue(string Code, string? File, string Detail);

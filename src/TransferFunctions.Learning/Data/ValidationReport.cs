namespace TransferFunctions.Learning.Data;

/// <summary>The result of validating a dataset.</summary>
public sealed record ValidationReport
{
    /// <summary>
    /// The dataset with <see cref="ExampleRecord.ContentHash"/> and <see cref="ExampleRecord.Split"/> filled in for
    /// every readable example (unreadable ones keep what they had).
    /// </summary>
    public required DatasetDescription Dataset { get; init; }

    /// <summary>Readable examples per class and split, in vocabulary order.</summary>
    public required IReadOnlyList<ClassSplitCounts> Counts { get; init; }

    public required IReadOnlyList<ValidationIssue> Issues { get; init; }

    /// <summary>
    /// Lower-case hex SHA-256 over the sorted (content hash, label, split, domain, extra labels) entries: renaming
    /// files leaves it unchanged, changing a label or split changes it.
    /// </summary>
    public required string Digest { get; init; }

    public bool HasErrors => Issues.Any(i => i.Severity == IssueSeverity.Error);

    public IEnumerable<ValidationIssue> Errors => Issues.Where(i => i.Severity == IssueSeverity.Error);

    public IEnumerable<ValidationIssue> Warnings => Issues.Where(i => i.Severity == IssueSeverity.Warning);
}

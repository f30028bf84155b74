namespace TransferFunctions.Learning.Data;

/// <summary>The codes <see cref="DatasetValidator"/> reports, stable for tooling and tests.</summary>
public static class ValidationCodes
{
    public const string MissingFile = "missing-file";
    public const string PathEscape = "path-escape";
    public const string CorruptImage = "corrupt-image";
    public const string ImageTooLarge = "image-too-large";
    public const string UnknownLabel = "unknown-label";
    public const string DuplicateContent = "duplicate-content";
    public const string TrainTestLeakage = "train-test-leakage";
    public const string TooFewExamples = "too-few-examples";
    public const string EmptyClass = "empty-class";
    public const string SizeOutlier = "size-outlier";
}

namespace TransferFunctions.Learning.Analysis;

/// <summary>A LogME transferability score with the per-class evidence it averages.</summary>
/// <param name="Score">Mean over the present classes of the per-example log evidence; higher means features that suit the labels better.</param>
/// <param name="PerClass">Evidence per class that occurs in the labels; absent classes are skipped.</param>
/// <param name="ExampleCount">Number of examples (n).</param>
/// <param name="Dimension">Feature dimension (d).</param>
public sealed record LogMeResult(double Score, IReadOnlyList<LogMeClassEvidence> PerClass, int ExampleCount, int Dimension);

namespace TransferFunctions.Learning.Data;

/// <summary>How many readable examples of one class fall in each split.</summary>
public sealed record ClassSplitCounts(string Label, int Train, int Validation, int Test)
{
    public int Total => Train + Validation + Test;
}

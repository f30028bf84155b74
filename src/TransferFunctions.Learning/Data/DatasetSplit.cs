namespace TransferFunctions.Learning.Data;

/// <summary>The partition an example belongs to.</summary>
public enum DatasetSplit
{
    Train,
    Validation,
    Test,
}

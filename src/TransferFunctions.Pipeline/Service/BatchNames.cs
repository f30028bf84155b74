using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Service;

/// <summary>A batch name is one folder name under <c>datasets/{project}/</c>; anything that could climb out of it is refused.</summary>
public static class BatchNames
{
    public static bool IsValid(string project, string? batch) =>
        !string.IsNullOrWhiteSpace(batch) && batch.Length <= 200 && !batch.StartsWith('.') && batch.IndexOfAny(['/', '\\', '\0']) < 0
        && ObjectKey.IsValid($"datasets/{project}/{batch}/x", out _);
}

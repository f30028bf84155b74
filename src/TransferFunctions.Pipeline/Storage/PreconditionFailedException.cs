namespace TransferFunctions.Pipeline.Storage;

/// <summary>
/// A conditional write or delete found the object in a different state than its condition demanded
/// (HTTP 412). Callers doing compare-and-swap re-read and retry, or report the conflict.
/// </summary>
public sealed class PreconditionFailedException : Exception
{
    public PreconditionFailedException(string key, WriteCondition condition, string? currentETag)
        : base(BuildMessage(key, condition, currentETag))
    {
        Key = key;
        Condition = condition;
        CurrentETag = currentETag;
    }

    public string Key { get; }

    public WriteCondition Condition { get; }

    /// <summary>The ETag found at the time of the check; null when the object was absent.</summary>
    public string? CurrentETag { get; }

    private static string BuildMessage(string key, WriteCondition condition, string? currentETag)
    {
        var found = currentETag is null ? "the object does not exist" : $"the object exists with ETag {currentETag}";
        return condition.Kind switch
        {
            WriteConditionKind.CreateOnly => $"Precondition failed for '{key}': it must not exist yet (If-None-Match: *), but {found}.",
            WriteConditionKind.IfMatch => $"Precondition failed for '{key}': expected ETag {condition.ETag}, but {found}.",
            _ => $"Precondition failed for '{key}' ({condition}): {found}.",
        };
    }
}

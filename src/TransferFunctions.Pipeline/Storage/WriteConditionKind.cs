namespace TransferFunctions.Pipeline.Storage;

/// <summary>The kinds of precondition a write or delete can carry (HTTP/Azure Blob semantics).</summary>
public enum WriteConditionKind
{
    /// <summary>No precondition: last writer wins.</summary>
    Always,

    /// <summary><c>If-None-Match: *</c>: succeed only when no object exists at the key.</summary>
    CreateOnly,

    /// <summary><c>If-Match: etag</c>: succeed only when the current object has this ETag (compare-and-swap).</summary>
    IfMatch,
}

namespace TransferFunctions.Pipeline.Storage;

/// <summary>A precondition on a write or delete; a failed precondition throws <see cref="PreconditionFailedException"/>.</summary>
public sealed record WriteCondition
{
    private WriteCondition(WriteConditionKind kind, string? etag)
    {
        Kind = kind;
        ETag = etag;
    }

    /// <summary>No precondition.</summary>
    public static WriteCondition Always { get; } = new(WriteConditionKind.Always, null);

    /// <summary>Only when nothing exists at the key (<c>If-None-Match: *</c>).</summary>
    public static WriteCondition CreateOnly { get; } = new(WriteConditionKind.CreateOnly, null);

    public WriteConditionKind Kind { get; }

    /// <summary>The expected ETag when <see cref="Kind"/> is <see cref="WriteConditionKind.IfMatch"/>.</summary>
    public string? ETag { get; }

    /// <summary>Only when the current object has <paramref name="etag"/> (<c>If-Match</c>): compare-and-swap.</summary>
    public static WriteCondition IfMatch(string etag)
    {
        if (string.IsNullOrWhiteSpace(etag))
        {
            throw new ArgumentException("WriteCondition.IfMatch needs a non-empty ETag.", nameof(etag));
        }

        return new WriteCondition(WriteConditionKind.IfMatch, etag);
    }

    /// <summary>True when an object whose current ETag is <paramref name="currentETag"/> (null: absent) satisfies this condition.</summary>
    public bool IsSatisfiedBy(string? currentETag) => Kind switch
    {
        WriteConditionKind.Always => true,
        WriteConditionKind.CreateOnly => currentETag is null,
        WriteConditionKind.IfMatch => currentETag is not null && string.Equals(currentETag, ETag, StringComparison.Ordinal),
        _ => throw new InvalidOperationException($"Unknown write condition kind {Kind}."),
    };

    public override string ToString() => Kind switch
    {
        WriteConditionKind.Always => "unconditional",
        WriteConditionKind.CreateOnly => "If-None-Match: *",
        _ => $"If-Match: {ETag}",
    };
}

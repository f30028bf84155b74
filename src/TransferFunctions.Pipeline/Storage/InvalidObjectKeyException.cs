namespace TransferFunctions.Pipeline.Storage;

/// <summary>An object key broke the rules of <see cref="ObjectKey"/>.</summary>
public sealed class InvalidObjectKeyException : ArgumentException
{
    public InvalidObjectKeyException(string? key, string reason)
        : base($"Invalid object key {Describe(key)}: {reason}.", "key")
    {
        Key = key;
        Reason = reason;
    }

    /// <summary>The rejected key (may be null).</summary>
    public string? Key { get; }

    /// <summary>Why the key was rejected.</summary>
    public string Reason { get; }

    private static string Describe(string? key) =>
        key is null ? "(null)" : $"'{key.Replace("\0", "\\0", StringComparison.Ordinal)}'";
}

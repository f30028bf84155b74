namespace TransferFunctions.Pipeline.Storage;

/// <summary>
/// Rules for object keys: relative, '/'-separated paths such as <c>models/fashion/v3/model.json</c>.
/// The same rules hold for every store so a key that works on the filesystem works on Azure Blob.
/// </summary>
public static class ObjectKey
{
    /// <summary>Longest key accepted (Azure Blob's limit for blob names).</summary>
    public const int MaxLength = 1024;

    /// <summary>
    /// Segments starting with this are reserved for a store's own bookkeeping (temporary files,
    /// lock and lease sidecars) and never appear in listings.
    /// </summary>
    public const string ReservedSegmentPrefix = ".tfstore";

    /// <summary>Throws <see cref="InvalidObjectKeyException"/> when <paramref name="key"/> is not a valid object key.</summary>
    public static string Validate(string? key)
    {
        var problem = FindProblem(key, allowTrailingSlash: false);
        if (problem is not null)
        {
            throw new InvalidObjectKeyException(key, problem);
        }

        return key!;
    }

    /// <summary>
    /// Validates a listing prefix: empty (everything) or a key-like string that may end in '/'
    /// or in a partial segment (<c>runs/</c>, <c>models/fash</c>).
    /// </summary>
    public static string ValidatePrefix(string? prefix)
    {
        if (prefix is null)
        {
            throw new InvalidObjectKeyException(prefix, "a prefix must not be null (use \"\" to list everything)");
        }

        if (prefix.Length == 0)
        {
            return prefix;
        }

        var problem = FindProblem(prefix, allowTrailingSlash: true);
        if (problem is not null)
        {
            throw new InvalidObjectKeyException(prefix, problem);
        }

        return prefix;
    }

    /// <summary>Joins segments with '/' and validates the result.</summary>
    public static string Combine(params string[] segments) => Validate(string.Join('/', segments));

    /// <summary>True when <paramref name="key"/> is valid; <paramref name="problem"/> says why not.</summary>
    public static bool IsValid(string? key, out string? problem)
    {
        problem = FindProblem(key, allowTrailingSlash: false);
        return problem is null;
    }

    private static string? FindProblem(string? key, bool allowTrailingSlash)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "the key is empty";
        }

        if (key.Length > MaxLength)
        {
            return $"the key is {key.Length} characters long, more than the limit of {MaxLength}";
        }

        if (key.Contains('\0'))
        {
            return "the key contains a NUL character";
        }

        if (key.Contains('\\'))
        {
            return "the key contains a backslash; segments are separated by '/'";
        }

        if (key[0] == '/')
        {
            return "the key is absolute (starts with '/'); keys are relative to the store root";
        }

        if (key.Length >= 2 && key[1] == ':' && char.IsAsciiLetter(key[0]))
        {
            return "the key starts with a drive letter; keys are relative to the store root";
        }

        var body = allowTrailingSlash && key.EndsWith('/') ? key[..^1] : key;
        foreach (var segment in body.Split('/'))
        {
            switch (segment)
            {
                case "":
                    return "the key has an empty segment ('//' or a trailing '/')";
                case ".":
                    return "the key has a '.' segment";
                case "..":
                    return "the key has a '..' segment, which would escape its folder";
            }

            if (segment.StartsWith(ReservedSegmentPrefix, StringComparison.Ordinal))
            {
                return $"the segment '{segment}' starts with '{ReservedSegmentPrefix}', which is reserved for the store's own files";
            }
        }

        return null;
    }
}

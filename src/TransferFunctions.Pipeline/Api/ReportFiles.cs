using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Api;

/// <summary>
/// Which store object a request for a run's report file names, and how it is served: the one rule both hosts
/// (<c>transfer serve</c> at <c>/runs/{id}/</c>, the Functions app at <c>/api/runs/{id}/</c>) apply.
/// </summary>
public static class ReportFiles
{
    /// <summary>
    /// Reports are self-contained pages: nothing may load from elsewhere, and the sandbox gives them
    /// an opaque origin so a script inside cannot call the API with the dashboard cookie.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; sandbox allow-scripts allow-popups";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".json"] = "application/json; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".csv"] = "text/csv; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
    };

    /// <summary>The store key and content type of <paramref name="file"/> of run <paramref name="id"/>.</summary>
    /// <exception cref="InvalidRequestException">The run id or the file name is not valid.</exception>
    /// <exception cref="NotFoundException">The file is not a report file type.</exception>
    public static (string Key, string ContentType) Resolve(string id, string? file)
    {
        try
        {
            RunKeys.ValidateInstanceId(id);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidRequestException(ex.Message, ex);
        }

        var key = RunKeys.Folder(id) + file;
        string? problem = null;
        if (string.IsNullOrEmpty(file) || !ObjectKey.IsValid(key, out problem))
            throw new InvalidRequestException($"'{file}' is not a file of run '{id}': {problem ?? "no file named"}.");
        if (!ContentTypes.TryGetValue(Path.GetExtension(file), out var contentType))
            throw new NotFoundException($"Only report files ({string.Join(", ", ContentTypes.Keys)}) are served under /runs/{id}/; '{file}' is not one.");
        return (key, contentType);
    }

    /// <summary>A store ETag as an HTTP entity tag (quoted, strong).</summary>
    public static string EntityTag(string storeETag) => "\"" + storeETag.Trim('"') + "\"";

    /// <summary>
    /// Whether an <c>If-None-Match</c> header names <paramref name="entityTag"/> (or is <c>*</c>), so a GET answers 304 Not
    /// Modified. The comparison is the weak one RFC 9110 (13.1.2) prescribes for this header: <c>W/"x"</c> matches <c>"x"</c>.
    /// </summary>
    public static bool IsNotModified(string? ifNoneMatch, string entityTag)
    {
        if (string.IsNullOrWhiteSpace(ifNoneMatch)) return false;
        foreach (var part in ifNoneMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "*") return true;
            var tag = part.StartsWith("W/", StringComparison.Ordinal) ? part[2..] : part;
            if (string.Equals(tag, entityTag, StringComparison.Ordinal)) return true;
        }

        return false;
    }

    /// <summary>The error when the file is valid but the run has none.</summary>
    public static NotFoundException Missing(string id, string file, string key) =>
        new($"Run '{id}' has no file '{file}' (no {key} in the store).");
}

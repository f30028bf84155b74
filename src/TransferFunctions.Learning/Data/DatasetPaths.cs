namespace TransferFunctions.Learning.Data;

/// <summary>
/// Resolves example paths against a dataset root and guarantees they stay inside it, also through symlinks.
/// </summary>
internal static class DatasetPaths
{
    /// <summary>
    /// The absolute path of <paramref name="relativePath"/> under <paramref name="root"/>, or the reason it is refused
    /// (absolute path, <c>..</c> escape, or a symlink whose target lies outside the root).
    /// </summary>
    public static bool TryResolve(string root, string relativePath, out string fullPath, out string problem)
    {
        fullPath = "";
        if (string.IsNullOrWhiteSpace(relativePath))
        {
            problem = "empty path";
            return false;
        }
        if (relativePath.Contains('\0'))
        {
            problem = $"path '{relativePath}' contains a NUL character";
            return false;
        }
        if (Path.IsPathRooted(relativePath) || relativePath.StartsWith('\\') || (relativePath.Length >= 2 && relativePath[1] == ':'))
        {
            problem = $"path '{relativePath}' is absolute; paths must be relative to the dataset folder";
            return false;
        }

        var rootFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var candidate = Path.GetFullPath(Path.Combine(rootFull, relativePath.Replace('\\', '/')));
        if (!IsInside(rootFull, candidate))
        {
            problem = $"path '{relativePath}' escapes the dataset folder {rootFull}";
            return false;
        }

        // Every existing component below the root may be a symlink; each must resolve inside the root.
        var rootReal = RealPath(rootFull);
        var current = rootFull;
        foreach (var segment in Path.GetRelativePath(rootFull, candidate).Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, segment);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (!info.Exists || info.LinkTarget is null)
                continue;
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            var targetFull = target is null ? null : RealPath(target.FullName);
            if (targetFull is null || !(IsInside(rootFull, targetFull) || IsInside(rootReal, targetFull)))
            {
                problem = $"path '{relativePath}' is a symlink pointing outside the dataset folder {rootFull} (to {target?.FullName ?? "nothing"})";
                return false;
            }
        }

        fullPath = candidate;
        problem = "";
        return true;
    }

    /// <summary>Resolves like <see cref="TryResolve"/>, throwing a <see cref="DatasetFormatException"/> on refusal.</summary>
    public static string Resolve(string root, string relativePath, string sourceFile, int? line)
    {
        if (!TryResolve(root, relativePath, out var full, out var problem))
            throw new DatasetFormatException(sourceFile, line, problem);
        return full;
    }

    /// <summary>The canonical relative form used for comparisons and storage: '/' separators, no '.' segments.</summary>
    public static string Normalize(string root, string fullPath) =>
        Path.GetRelativePath(Path.GetFullPath(root), fullPath).Replace(Path.DirectorySeparatorChar, '/');

    private static bool IsInside(string rootFull, string candidate)
    {
        var rootWithSeparator = rootFull.EndsWith(Path.DirectorySeparatorChar) ? rootFull : rootFull + Path.DirectorySeparatorChar;
        return candidate.StartsWith(rootWithSeparator, StringComparison.Ordinal);
    }

    // Resolves symlinks in the directory chain too, so a root that is itself reached through a link compares fairly.
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = Path.GetPathRoot(full) ?? "/";
        foreach (var part in parts)
        {
            current = Path.Combine(current, part);
            var info = Directory.Exists(current) ? (FileSystemInfo)new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(true) is { } target)
                current = target.FullName;
        }
        return Path.TrimEndingDirectorySeparator(current);
    }
}

using System.Text.RegularExpressions;

namespace TransferFunctions.Infra.Tests.TestSupport;

/// <summary>
/// .dockerignore matching as the Docker builder does it for the forms we use: paths relative to the context root,
/// <c>*</c> and <c>?</c> within one path segment, <c>**</c> across segments, a matched directory excludes what is
/// below it, <c>!</c> re-includes, and the last matching line wins.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exclude)> _rules;

    private DockerIgnore(List<(Regex Pattern, bool Exclude)> rules)
    {
        _rules = rules;
    }

    public static DockerIgnore Load(string path)
    {
        var rules = new List<(Regex, bool)>();
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var exclude = !line.StartsWith('!');
            var pattern = (exclude ? line : line[1..]).Trim().TrimStart('/').TrimEnd('/');
            rules.Add((new Regex("^" + Translate(pattern) + "(/.*)?$", RegexOptions.CultureInvariant), exclude));
        }
        return new DockerIgnore(rules);
    }

    /// <summary>Whether the file at this context-relative path ('/'-separated) is left out of the build context.</summary>
    public bool Excludes(string relativePath)
    {
        var excluded = false;
        foreach (var (pattern, exclude) in _rules)
        {
            if (pattern.IsMatch(relativePath))
            {
                excluded = exclude;
            }
        }
        return excluded;
    }

    private static string Translate(string pattern)
    {
        var regex = new System.Text.StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches zero or more whole segments; a trailing "**" matches everything below.
                var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                regex.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }
        return regex.ToString();
    }
}

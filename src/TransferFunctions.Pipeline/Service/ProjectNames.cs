using System.Text.RegularExpressions;

namespace TransferFunctions.Pipeline.Service;

/// <summary>A project name is also its model's registry name and a path segment: lowercase letters, digits, '.', '_', '-'.</summary>
public static partial class ProjectNames
{
    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,62}$")]
    private static partial Regex Pattern();

    public static string Validate(string? project)
    {
        if (string.IsNullOrWhiteSpace(project)) throw new ArgumentException("project is required");
        if (!Pattern().IsMatch(project))
            throw new ArgumentException($"project '{project}' is not a valid name: use 1-63 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit");
        return project;
    }
}

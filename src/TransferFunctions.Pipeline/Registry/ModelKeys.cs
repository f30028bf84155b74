using System.Globalization;

namespace TransferFunctions.Pipeline.Registry;

/// <summary>Where the registry keeps things (DESIGN.md: <c>models/{name}/v{n}/…</c>, <c>models/{name}/aliases/…</c>).</summary>
public static class ModelKeys
{
    public const string Root = "models/";

    public static string Folder(string name) => Root + ValidateName(name) + "/";

    public static string VersionFolder(string name, int version) => Folder(name) + "v" + version.ToString(CultureInfo.InvariantCulture) + "/";

    public static string Claim(string name, int version) => VersionFolder(name, version) + "claim.json";

    public static string Weights(string name, int version) => VersionFolder(name, version) + "weights.safetensors";

    public static string Card(string name, int version) => VersionFolder(name, version) + "model.json";

    public static string Champion(string name) => Folder(name) + "aliases/champion.json";

    /// <summary>Throws unless <paramref name="name"/> is 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.</summary>
    public static string ValidateName(string name)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"Invalid model name '{name}': use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.", nameof(name));
        }

        return name;
    }

    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64
        && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-');

    /// <summary>Parses <c>models/{name}/v{n}/{file}</c> into (n, file); false for any other key.</summary>
    public static bool TryParseVersionKey(string name, string key, out int version, out string file)
    {
        version = 0;
        file = "";
        if (!IsValidName(name))
        {
            return false;
        }

        var folder = Folder(name);
        if (!key.StartsWith(folder + "v", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = key[(folder.Length + 1)..];
        var slash = rest.IndexOf('/');
        if (slash <= 0 || rest[0] == '0' || !int.TryParse(rest.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            return false;
        }

        file = rest[(slash + 1)..];
        return true;
    }
}

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace TransferFunctions.Cli.Serve;

/// <summary>
/// The API key of a <c>transfer serve</c> store: 32 random bytes (base64url, prefixed <c>tfk_</c>)
/// created at first start in a file only its owner can read or write (mode 600, folder 700).
/// </summary>
public static class ApiKeyFile
{
    public const string Prefix = "tfk_";

    private const int KeyBytes = 32;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Reads the key at <paramref name="path"/>, or creates it there when the file does not exist.
    /// <c>Created</c> is true when this call made it (the only time the host prints the key itself).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is readable by others, or does not hold a key.</exception>
    public static (string Key, bool Created) LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        path = Path.GetFullPath(path);
        if (File.Exists(path))
        {
            return (Read(path), false);
        }

        var folder = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, OwnerOnlyFolder);
        }

        var key = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(KeyBytes));
        var temporary = Path.Combine(folder, $".api-key-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
        if (!OperatingSystem.IsWindows())
        {
            // Created private, never chmod-ed after the fact: there is no moment it is readable by others.
            options.UnixCreateMode = OwnerOnlyFile;
        }

        try
        {
            using (var file = new FileStream(temporary, options))
            {
                file.Write(Encoding.ASCII.GetBytes(key + "\n"));
            }

            File.Move(temporary, path, overwrite: false);
            return (key, true);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; both use that one.
            return (Read(path), false);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static string Read(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & GroupOrOthers) != 0)
            {
                throw new InvalidDataException(
                    $"The API key file {path} is accessible to other users (mode {Convert.ToString((int)mode, 8)}); " +
                    $"the key may have leaked. Delete the file to have a new key generated at the next start, or run 'chmod 600 {path}' to keep it.");
            }
        }

        var key = File.ReadAllText(path).Trim();
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || key.Length < Prefix.Length + 32 || key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new InvalidDataException($"The API key file {path} does not hold a key ('{Prefix}' followed by at least 32 characters, one line). Delete it to have a new key generated at the next start.");
        }

        return key;
    }
}

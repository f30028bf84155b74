using System.Runtime.InteropServices;

namespace TransferFunctions.Pipeline.Storage;

/// <summary>
/// fsync of a directory, so a rename that published an object survives a power loss, not only a
/// process crash. .NET cannot open a directory as a stream, hence the two libc calls.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;
    private const int InvalidArgument = 22;
    private const int ReadOnlyFileSystem = 30;

    public static void Flush(string directory)
    {
        // NTFS journals its metadata and has no directory fsync through this API.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Could not open folder '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                // Some filesystems (e.g. certain network or virtual ones) cannot sync folders; nothing more can be done there.
                if (errno is not InvalidArgument and not ReadOnlyFileSystem)
                {
                    throw new IOException($"fsync of folder '{directory}' failed (errno {errno}).");
                }
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}

using System.Buffers;
using System.Globalization;
using System.IO.Enumeration;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace TransferFunctions.Pipeline.Storage;

/// <summary>
/// The embedded store: each object is a plain file at <c>{root}/{key}</c>, so people can browse and
/// drop data with ordinary tools. Safe for many threads and many processes on one machine.
/// </summary>
/// <remarks>
/// <para>Publishing is atomic: content goes to a temporary file in the target folder, is fsynced,
/// then renamed over the target, and the folder is fsynced. A reader sees the old or the new
/// version, never a mix; a process killed mid-write leaves the old version and an invisible
/// temporary file (named <c>.tfstore-tmp-{pid}-*</c>), which <see cref="SweepOrphanedTemporaryFiles"/>
/// removes once that process is gone.</para>
/// <para>The ETag is the SHA-256 of the content (first 128 bits, hex): stable across restarts and
/// changed by every write that changes the bytes. Rewriting identical bytes keeps the ETag, which
/// is harmless for compare-and-swap since the state is the same. Hashes are cached in sidecars
/// keyed by (length, last-write time); every write stamps a unique, precise last-write time so a
/// cache entry never matches other content. Conditional writes, deletes and leases are serialized
/// per key by <see cref="FileLockSet"/>. Bookkeeping lives under <c>{root}/.tfstore/</c>.</para>
/// </remarks>
public sealed class FileSystemObjectStore : IObjectStore
{
    private const string BookkeepingFolder = ObjectKey.ReservedSegmentPrefix;
    private const string TemporaryFilePrefix = ObjectKey.ReservedSegmentPrefix + "-tmp-";
    private const int ETagHexLength = 32;
    private const int CopyBufferSize = 1 << 16;
    private const string LeaseLockPrefix = "lease\n";

    private static long s_lastStampTicks;

    private readonly string _metaFolder;
    private readonly string _leaseFolder;
    private readonly TimeProvider _time;
    private readonly FileLockSet _locks;

    /// <param name="rootDirectory">Folder holding the objects; created when missing.</param>
    /// <param name="timeProvider">Clock for lease expiry (tests pass a controllable one).</param>
    /// <param name="lockTimeout">How long an operation waits for another process's lock on the same key before failing.</param>
    public FileSystemObjectStore(string rootDirectory, TimeProvider? timeProvider = null, TimeSpan? lockTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
        Directory.CreateDirectory(RootDirectory);
        var bookkeeping = Path.Combine(RootDirectory, BookkeepingFolder);
        _metaFolder = Path.Combine(bookkeeping, "etags");
        _leaseFolder = Path.Combine(bookkeeping, "leases");
        Directory.CreateDirectory(_metaFolder);
        Directory.CreateDirectory(_leaseFolder);
        _locks = new FileLockSet(Path.Combine(bookkeeping, "locks"), lockTimeout ?? TimeSpan.FromSeconds(30));
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Absolute path of the store's root folder.</summary>
    public string RootDirectory { get; }

    /// <summary>Where the object for <paramref name="key"/> lives on disk (for tools that need a path, e.g. memory-mapped weights).</summary>
    public string GetFullPath(string key) =>
        Path.Combine(RootDirectory, ObjectKey.Validate(key).Replace('/', Path.DirectorySeparatorChar));

    public async Task<StoredObject?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var file = OpenExisting(key);
        if (file is null)
        {
            return null;
        }

        await using (file.ConfigureAwait(false))
        {
            var length = file.Length;
            if (length > Array.MaxLength)
            {
                throw new InvalidOperationException($"Object '{key}' is {length} bytes, too large to read into memory; use OpenReadAsync.");
            }

            var content = new byte[length];
            await file.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
            var modified = File.GetLastWriteTimeUtc(file.SafeFileHandle);
            // The bytes are in hand, so their hash is the ETag by definition; no cache involved.
            var etag = ToETag(SHA256.HashData(content));
            if (RecallETag(key, length, modified) != etag)
            {
                RememberETag(key, length, modified, etag);
            }

            return new StoredObject(new ObjectProperties(key, length, etag, AsUtc(modified)), content);
        }
    }

    public async Task<ObjectDownload?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var file = OpenExisting(key);
        if (file is null)
        {
            return null;
        }

        try
        {
            var properties = await DescribeAsync(key, file.SafeFileHandle, cancellationToken).ConfigureAwait(false);
            return new ObjectDownload(properties, file);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<ObjectProperties?> GetPropertiesAsync(string key, CancellationToken cancellationToken = default)
    {
        var file = OpenExisting(key);
        if (file is null)
        {
            return null;
        }

        await using (file.ConfigureAwait(false))
        {
            return await DescribeAsync(key, file.SafeFileHandle, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<ObjectProperties> WriteAsync(string key, ReadOnlyMemory<byte> content, WriteCondition? condition = null, CancellationToken cancellationToken = default)
    {
        var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        return WriteFromStreamAsync(key, stream, condition, cancellationToken);
    }

    public async Task<ObjectProperties> WriteFromStreamAsync(string key, Stream content, WriteCondition? condition = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        condition ??= WriteCondition.Always;
        var path = GetFullPath(key);
        var folder = Path.GetDirectoryName(path)!;
        EnsureFolder(key, folder);
        var temporary = Path.Combine(folder, $"{TemporaryFilePrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var (length, modified, etag) = await WriteTemporaryAsync(temporary, content, cancellationToken).ConfigureAwait(false);
            using (await _locks.AcquireAsync(key, cancellationToken).ConfigureAwait(false))
            {
                if (Directory.Exists(path))
                {
                    throw new IOException($"Cannot write object '{key}': the filesystem store already has objects under '{key}/', and a file and a folder cannot share a name.");
                }

                var current = condition.Kind == WriteConditionKind.Always ? null : await CurrentETagAsync(key, cancellationToken).ConfigureAwait(false);
                if (!condition.IsSatisfiedBy(current))
                {
                    throw new PreconditionFailedException(key, condition, current);
                }

                // Cache first, then publish: until the rename, the cache entry matches no file on disk.
                RememberETag(key, length, modified, etag);
                File.Move(temporary, path, overwrite: true);
                DirectorySync.Flush(folder);
            }

            return new ObjectProperties(key, length, etag, AsUtc(modified));
        }
        finally
        {
            TryDeleteFile(temporary);
        }
    }

    public async Task<bool> DeleteAsync(string key, WriteCondition? condition = null, CancellationToken cancellationToken = default)
    {
        condition ??= WriteCondition.Always;
        if (condition.Kind == WriteConditionKind.CreateOnly)
        {
            throw new ArgumentException($"Delete of '{key}' cannot be create-only; use WriteCondition.Always or WriteCondition.IfMatch.", nameof(condition));
        }

        var path = GetFullPath(key);
        using (await _locks.AcquireAsync(key, cancellationToken).ConfigureAwait(false))
        {
            var current = await CurrentETagAsync(key, cancellationToken).ConfigureAwait(false);
            if (current is null && condition.Kind == WriteConditionKind.Always)
            {
                return false;
            }

            if (!condition.IsSatisfiedBy(current))
            {
                throw new PreconditionFailedException(key, condition, current);
            }

            File.Delete(path);
            TryDeleteFile(ETagCachePath(key));
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
            return true;
        }
    }

    public async IAsyncEnumerable<ObjectProperties> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKey.ValidatePrefix(prefix);
        var lastSlash = prefix.LastIndexOf('/');
        var startFolder = lastSlash < 0
            ? RootDirectory
            : Path.Combine(RootDirectory, prefix[..lastSlash].Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(startFolder))
        {
            yield break;
        }

        var keys = new List<string>();
        var files = new FileSystemEnumerable<string>(
            startFolder,
            (ref FileSystemEntry entry) => entry.ToFullPath(),
            new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory && !IsReserved(entry.FileName),
            ShouldRecursePredicate = (ref FileSystemEntry entry) => !IsReserved(entry.FileName),
        };
        foreach (var file in files)
        {
            var key = Path.GetRelativePath(RootDirectory, file).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal) && ObjectKey.IsValid(key, out _))
            {
                keys.Add(key);
            }
        }

        keys.Sort(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Null when deleted since the folder scan; a listing is not a snapshot.
            var properties = await GetPropertiesAsync(key, cancellationToken).ConfigureAwait(false);
            if (properties is not null)
            {
                yield return properties;
            }
        }
    }

    public async Task<ObjectLease?> AcquireLeaseAsync(string key, TimeSpan duration, string owner, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        ValidateLeaseDuration(duration);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        using (await _locks.AcquireAsync(LeaseLockPrefix + key, cancellationToken).ConfigureAwait(false))
        {
            var now = _time.GetUtcNow();
            var current = ReadLease(key);
            if (current is not null && current.ExpiresAt > now)
            {
                return null;
            }

            var lease = new ObjectLease(key, Guid.NewGuid().ToString("N"), owner, now, now + duration);
            WriteLease(lease);
            return lease;
        }
    }

    public async Task<ObjectLease?> RenewLeaseAsync(ObjectLease lease, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ObjectKey.Validate(lease.Key);
        ValidateLeaseDuration(duration);
        using (await _locks.AcquireAsync(LeaseLockPrefix + lease.Key, cancellationToken).ConfigureAwait(false))
        {
            var current = ReadLease(lease.Key);
            if (current is null || current.LeaseId != lease.LeaseId)
            {
                return null;
            }

            // Like Azure Blob: an expired lease nobody took over can still be renewed by its holder.
            var renewed = current with { ExpiresAt = _time.GetUtcNow() + duration };
            WriteLease(renewed);
            return renewed;
        }
    }

    public async Task<bool> ReleaseLeaseAsync(ObjectLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ObjectKey.Validate(lease.Key);
        using (await _locks.AcquireAsync(LeaseLockPrefix + lease.Key, cancellationToken).ConfigureAwait(false))
        {
            var current = ReadLease(lease.Key);
            if (current is null || current.LeaseId != lease.LeaseId)
            {
                return false;
            }

            File.Delete(LeasePath(lease.Key));
            return true;
        }
    }

    public Task<ObjectLease?> GetLeaseAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        cancellationToken.ThrowIfCancellationRequested();
        var current = ReadLease(key);
        return Task.FromResult(current is not null && current.ExpiresAt > _time.GetUtcNow() ? current : null);
    }

    private static bool IsReserved(ReadOnlySpan<char> fileName) =>
        fileName.StartsWith(ObjectKey.ReservedSegmentPrefix, StringComparison.Ordinal);

    private static string ToETag(ReadOnlySpan<byte> sha256) => Convert.ToHexStringLower(sha256)[..ETagHexLength];

    private static DateTimeOffset AsUtc(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    private static void ValidateLeaseDuration(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A lease duration must be positive.");
        }
    }

    /// <summary>A last-write time unique to this write (strictly increasing within the process, 100 ns apart at least).</summary>
    private static DateTime NextWriteStamp()
    {
        while (true)
        {
            var last = Interlocked.Read(ref s_lastStampTicks);
            var next = Math.Max(DateTime.UtcNow.Ticks, last + 1);
            if (Interlocked.CompareExchange(ref s_lastStampTicks, next, last) == last)
            {
                return new DateTime(next, DateTimeKind.Utc);
            }
        }
    }

    /// <summary>
    /// What listing the objects under <paramref name="prefix"/> (a folder key ending in '/') hides on disk: symlinks,
    /// files or folders, whose target lies outside that folder (<see cref="FolderInspection.EscapingLinks"/>, with their
    /// targets), and folders holding no file (<see cref="FolderInspection.EmptyFolders"/>). Links are not followed, so
    /// nothing outside the folder is read. Keys are store keys; a blob store has neither links nor empty folders.
    /// </summary>
    public FolderInspection InspectFolder(string prefix)
    {
        ObjectKey.ValidatePrefix(prefix);
        if (!prefix.EndsWith('/')) throw new ArgumentException($"'{prefix}' is not a folder key (it must end in '/')", nameof(prefix));
        var folder = Path.Combine(RootDirectory, prefix.TrimEnd('/').Replace('/', Path.DirectorySeparatorChar));
        var links = new List<(string Key, string Target)>();
        var empty = new List<string>();
        if (!Directory.Exists(folder)) return new FolderInspection(links, empty);
        var real = RealPath(folder);

        string KeyOf(string path) => Path.GetRelativePath(RootDirectory, path).Replace(Path.DirectorySeparatorChar, '/');

        void Walk(DirectoryInfo directory)
        {
            var files = 0;
            foreach (var entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (IsReserved(entry.Name)) continue;
                if (entry.LinkTarget is not null)
                {
                    var target = entry.ResolveLinkTarget(returnFinalTarget: true);
                    var resolved = target is null || !target.Exists ? null : RealPath(target.FullName);
                    if (resolved is null || !(resolved.StartsWith(real + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
                    {
                        links.Add((KeyOf(entry.FullName), target?.FullName ?? entry.LinkTarget));
                        continue;
                    }
                    files++;
                    continue;
                }
                if (entry is DirectoryInfo sub) Walk(sub);
                files++;
            }
            if (files == 0) empty.Add(KeyOf(directory.FullName) + "/");
        }

        Walk(new DirectoryInfo(folder));
        return new FolderInspection(links, empty);
    }

    // The path with every symlink along it resolved, so a store reached through a link compares fairly.
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full) ?? "/";
        foreach (var part in full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(true) is { } target)
                current = RealPath(target.FullName);
        }
        return Path.TrimEndingDirectorySeparator(current);
    }

    /// <summary>
    /// Deletes the temporary files of writers that died mid-write (their process no longer runs, or its id now belongs
    /// to a process started after the file was last written). A live writer's file is never touched, so this is safe
    /// while other processes use the store. Returns how many files it removed.
    /// </summary>
    public int SweepOrphanedTemporaryFiles()
    {
        var removed = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (var path in Directory.EnumerateFiles(RootDirectory, TemporaryFilePrefix + "*", options))
        {
            var name = Path.GetFileName(path);
            var dash = name.IndexOf('-', TemporaryFilePrefix.Length);
            if (dash < 0 || !int.TryParse(name.AsSpan(TemporaryFilePrefix.Length, dash - TemporaryFilePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            DateTime written;
            try
            {
                written = File.GetLastWriteTimeUtc(path);
            }
            catch (IOException)
            {
                continue;
            }
            if (WriterIsAlive(pid, written)) continue;
            TryDeleteFile(path);
            if (!File.Exists(path)) removed++;
        }
        return removed;
    }

    private static bool WriterIsAlive(int pid, DateTime fileWrittenUtc)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            // A process started after the file's last write cannot have written it: the id was reused.
            return !process.HasExited && process.StartTime.ToUniversalTime() <= fileWrittenUtc;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary or cache file is invisible and harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static async Task<(long Length, DateTime Modified, string ETag)> WriteTemporaryAsync(string temporary, Stream content, CancellationToken cancellationToken)
    {
        var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            try
            {
                int read;
                while ((read = await content.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            var modified = NextWriteStamp();
            File.SetLastWriteTimeUtc(file.SafeFileHandle, modified);
            file.Flush(flushToDisk: true);
            return (file.Length, modified, ToETag(hash.GetHashAndReset()));
        }
    }

    private FileStream? OpenExisting(string key)
    {
        var path = GetFullPath(key);
        if (Directory.Exists(path))
        {
            return null;
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    private async Task<string?> CurrentETagAsync(string key, CancellationToken cancellationToken)
    {
        var file = OpenExisting(key);
        if (file is null)
        {
            return null;
        }

        await using (file.ConfigureAwait(false))
        {
            return (await DescribeAsync(key, file.SafeFileHandle, cancellationToken).ConfigureAwait(false)).ETag;
        }
    }

    private async Task<ObjectProperties> DescribeAsync(string key, SafeFileHandle handle, CancellationToken cancellationToken)
    {
        var length = RandomAccess.GetLength(handle);
        var modified = File.GetLastWriteTimeUtc(handle);
        var etag = RecallETag(key, length, modified);
        if (etag is null)
        {
            etag = await HashAsync(handle, length, cancellationToken).ConfigureAwait(false);
            RememberETag(key, length, modified, etag);
        }

        return new ObjectProperties(key, length, etag, AsUtc(modified));
    }

    private static async Task<string> HashAsync(SafeFileHandle handle, long length, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            long offset = 0;
            while (offset < length)
            {
                var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, (int)Math.Min(CopyBufferSize, length - offset)), offset, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                hash.AppendData(buffer, 0, read);
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return ToETag(hash.GetHashAndReset());
    }

    private void EnsureFolder(string key, string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (IOException ex)
        {
            throw new IOException($"Cannot write object '{key}': a parent of '{folder}' is an object (a file), and a file and a folder cannot share a name.", ex);
        }
    }

    private string ETagCachePath(string key) => Path.Combine(_metaFolder, FileLockSet.HashName(key) + ".etag");

    private string LeasePath(string key) => Path.Combine(_leaseFolder, FileLockSet.HashName(key) + ".lease");

    private string? RecallETag(string key, long length, DateTime modified)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(ETagCachePath(key));
        }
        catch (IOException)
        {
            return null;
        }

        return lines.Length >= 4
            && lines[3] == key
            && lines[0] == length.ToString(CultureInfo.InvariantCulture)
            && lines[1] == modified.Ticks.ToString(CultureInfo.InvariantCulture)
            ? lines[2]
            : null;
    }

    private void RememberETag(string key, long length, DateTime modified, string etag)
    {
        var text = string.Join('\n', length.ToString(CultureInfo.InvariantCulture), modified.Ticks.ToString(CultureInfo.InvariantCulture), etag, key);
        // Only a cache: no fsync, and losing a race to another writer merely costs a re-hash later.
        ReplaceFile(ETagCachePath(key), System.Text.Encoding.UTF8.GetBytes(text), durable: false);
    }

    private ObjectLease? ReadLease(string key)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(LeasePath(key));
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        try
        {
            var lease = JsonSerializer.Deserialize<ObjectLease>(bytes, StoreJson.Options);
            return lease is not null && lease.Key == key ? lease : null;
        }
        catch (JsonException)
        {
            // Unreadable lease state (e.g. edited by hand) grants no one anything; the next acquire replaces it.
            return null;
        }
    }

    private void WriteLease(ObjectLease lease) =>
        ReplaceFile(LeasePath(lease.Key), JsonSerializer.SerializeToUtf8Bytes(lease, StoreJson.Options), durable: true);

    private static void ReplaceFile(string path, byte[] bytes, bool durable)
    {
        var folder = Path.GetDirectoryName(path)!;
        var temporary = Path.Combine(folder, $"{TemporaryFilePrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                file.Write(bytes);
                if (durable)
                {
                    file.Flush(flushToDisk: true);
                }
            }

            File.Move(temporary, path, overwrite: true);
            if (durable)
            {
                DirectorySync.Flush(folder);
            }
        }
        finally
        {
            TryDeleteFile(temporary);
        }
    }
}

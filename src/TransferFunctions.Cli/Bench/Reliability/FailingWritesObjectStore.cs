using System.Text.RegularExpressions;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Bench.Reliability;

/// <summary>
/// A real store whose writes to keys matching a pattern fail with an I/O error ("No space left on device") a given
/// number of times, after the failing write has put part of the content down, as a full disk does: injected at the
/// storage port, so whatever writes through it (the registry publishing a version) meets the failure as it would.
/// </summary>
public sealed class FailingWritesObjectStore(IObjectStore inner, Regex failingKeys, int failures) : IObjectStore
{
    private readonly int _failures = failures;
    private int _remaining = failures;

    /// <summary>How many writes failed so far.</summary>
    public int Failed => Math.Min(_failures, _failures - Volatile.Read(ref _remaining));

    public Task<StoredObject?> ReadAsync(string key, CancellationToken cancellationToken = default) => inner.ReadAsync(key, cancellationToken);

    public Task<ObjectDownload?> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);

    public Task<ObjectProperties?> GetPropertiesAsync(string key, CancellationToken cancellationToken = default) => inner.GetPropertiesAsync(key, cancellationToken);

    public Task<ObjectProperties> WriteAsync(string key, ReadOnlyMemory<byte> content, WriteCondition? condition = null, CancellationToken cancellationToken = default)
    {
        if (ShouldFail(key)) throw DiskFull(key);
        return inner.WriteAsync(key, content, condition, cancellationToken);
    }

    public async Task<ObjectProperties> WriteFromStreamAsync(string key, Stream content, WriteCondition? condition = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (ShouldFail(key))
        {
            // Consume part of the stream, as a write that ran out of space midway has.
            var buffer = new byte[4096];
            _ = await content.ReadAsync(buffer, cancellationToken);
            throw DiskFull(key);
        }

        return await inner.WriteFromStreamAsync(key, content, condition, cancellationToken);
    }

    public Task<bool> DeleteAsync(string key, WriteCondition? condition = null, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, condition, cancellationToken);

    public IAsyncEnumerable<ObjectProperties> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public Task<ObjectLease?> AcquireLeaseAsync(string key, TimeSpan duration, string owner, CancellationToken cancellationToken = default) =>
        inner.AcquireLeaseAsync(key, duration, owner, cancellationToken);

    public Task<ObjectLease?> RenewLeaseAsync(ObjectLease lease, TimeSpan duration, CancellationToken cancellationToken = default) => inner.RenewLeaseAsync(lease, duration, cancellationToken);

    public Task<bool> ReleaseLeaseAsync(ObjectLease lease, CancellationToken cancellationToken = default) => inner.ReleaseLeaseAsync(lease, cancellationToken);

    public Task<ObjectLease?> GetLeaseAsync(string key, CancellationToken cancellationToken = default) => inner.GetLeaseAsync(key, cancellationToken);

    private bool ShouldFail(string key) => failingKeys.IsMatch(key) && Interlocked.Decrement(ref _remaining) >= 0;

    private static IOException DiskFull(string key) => new($"No space left on device (injected) while writing {key}");
}

using System.Collections.Concurrent;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Tests.TestSupport;

/// <summary>
/// A measuring device around a real store: every call goes to <paramref name="inner"/> unchanged, and each write that
/// the store accepted is recorded with its size, so a test can count the bytes a component writes and where.
/// </summary>
public sealed class CountingObjectStore(IObjectStore inner) : IObjectStore
{
    private readonly ConcurrentQueue<ObjectProperties> _writes = new();

    /// <summary>The accepted writes, in the order they returned.</summary>
    public IReadOnlyList<ObjectProperties> Writes => _writes.ToArray();

    /// <summary>The accepted writes to keys starting with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<ObjectProperties> WritesUnder(string prefix) => Writes.Where(w => w.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    public Task<StoredObject?> ReadAsync(string key, CancellationToken cancellationToken = default) => inner.ReadAsync(key, cancellationToken);

    public Task<ObjectDownload?> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);

    public Task<ObjectProperties?> GetPropertiesAsync(string key, CancellationToken cancellationToken = default) => inner.GetPropertiesAsync(key, cancellationToken);

    public async Task<ObjectProperties> WriteAsync(string key, ReadOnlyMemory<byte> content, WriteCondition? condition = null, CancellationToken cancellationToken = default) =>
        Record(await inner.WriteAsync(key, content, condition, cancellationToken));

    public async Task<ObjectProperties> WriteFromStreamAsync(string key, Stream content, WriteCondition? condition = null, CancellationToken cancellationToken = default) =>
        Record(await inner.WriteFromStreamAsync(key, content, condition, cancellationToken));

    public Task<bool> DeleteAsync(string key, WriteCondition? condition = null, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, condition, cancellationToken);

    public IAsyncEnumerable<ObjectProperties> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public Task<ObjectLease?> AcquireLeaseAsync(string key, TimeSpan duration, string owner, CancellationToken cancellationToken = default) =>
        inner.AcquireLeaseAsync(key, duration, owner, cancellationToken);

    public Task<ObjectLease?> RenewLeaseAsync(ObjectLease lease, TimeSpan duration, CancellationToken cancellationToken = default) => inner.RenewLeaseAsync(lease, duration, cancellationToken);

    public Task<bool> ReleaseLeaseAsync(ObjectLease lease, CancellationToken cancellationToken = default) => inner.ReleaseLeaseAsync(lease, cancellationToken);

    public Task<ObjectLease?> GetLeaseAsync(string key, CancellationToken cancellationToken = default) => inner.GetLeaseAsync(key, cancellationToken);

    private ObjectProperties Record(ObjectProperties written)
    {
        _writes.Enqueue(written);
        return written;
    }
}

namespace TransferFunctions.Pipeline.Storage;

/// <summary>
/// The storage port: objects addressed by relative keys (<see cref="ObjectKey"/>), with ETags for
/// optimistic concurrency and expiring leases. Implemented by <see cref="FileSystemObjectStore"/>
/// (embedded default) and by an Azure Blob adapter at the edge; both pass the same contract tests.
/// </summary>
/// <remarks>
/// Conditional operations that find the object in another state throw
/// <see cref="PreconditionFailedException"/>; invalid keys throw <see cref="InvalidObjectKeyException"/>.
/// A reader never observes a partially written object.
/// </remarks>
public interface IObjectStore
{
    /// <summary>Reads a whole object into memory, or returns null when it does not exist.</summary>
    Task<StoredObject?> ReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Opens a read stream over the current version, or returns null when it does not exist.</summary>
    Task<ObjectDownload?> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Size, ETag and last-modified time, or null when the object does not exist.</summary>
    Task<ObjectProperties?> GetPropertiesAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Writes an object atomically (creating missing parents) if <paramref name="condition"/> holds; returns the new properties.</summary>
    Task<ObjectProperties> WriteAsync(string key, ReadOnlyMemory<byte> content, WriteCondition? condition = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams <paramref name="content"/> (read to its end) into an object, atomically: the object
    /// appears whole or not at all. The condition is checked when the upload is complete.
    /// </summary>
    Task<ObjectProperties> WriteFromStreamAsync(string key, Stream content, WriteCondition? condition = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes an object if <paramref name="condition"/> holds (<see cref="WriteCondition.Always"/> or
    /// <see cref="WriteCondition.IfMatch"/>). Returns false when an unconditional delete found nothing.
    /// </summary>
    Task<bool> DeleteAsync(string key, WriteCondition? condition = null, CancellationToken cancellationToken = default);

    /// <summary>Streams the properties of every object whose key starts with <paramref name="prefix"/>, in ordinal key order.</summary>
    IAsyncEnumerable<ObjectProperties> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the lease on <paramref name="key"/> for <paramref name="duration"/>; returns null when
    /// someone else holds an unexpired lease. An expired lease is taken over.
    /// </summary>
    Task<ObjectLease?> AcquireLeaseAsync(string key, TimeSpan duration, string owner, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends a lease to <paramref name="duration"/> from now; returns null when the lease was lost
    /// (released, or expired and taken over by someone else).
    /// </summary>
    Task<ObjectLease?> RenewLeaseAsync(ObjectLease lease, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Releases a lease; returns false when it was no longer held by <paramref name="lease"/>.</summary>
    Task<bool> ReleaseLeaseAsync(ObjectLease lease, CancellationToken cancellationToken = default);

    /// <summary>The unexpired lease on <paramref name="key"/>, or null when it is free.</summary>
    Task<ObjectLease?> GetLeaseAsync(string key, CancellationToken cancellationToken = default);
}

using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Azure.Storage;

/// <summary>
/// The storage port on Azure Blob Storage: one block blob per object, named by its key, in one container.
/// Passes the same contract suite as <see cref="FileSystemObjectStore"/> (against Azurite).
/// </summary>
/// <remarks>
/// <para>ETags are the service's; conditions map to <c>If-Match</c> / <c>If-None-Match: *</c> on the request that
/// publishes the object. Objects up to the block size go in one Put Blob; larger streams are staged as uncommitted
/// blocks and published by one Put Block List carrying the condition, so readers see the old version or the new
/// one, and the condition is checked when the upload is complete.</para>
/// <para>Port leases are advisory and must not block writes, while Azure leases do; and the port allows any
/// duration, Azure only 15–60 s or infinite. So a port lease lives on a marker blob
/// <c>.tfstore/leases/{sha256(key)}</c> (a reserved name, never listed): the holder takes an <em>infinite</em>
/// Azure lease on it (mutual exclusion by the service) and records id, owner and expiry, in the service's clock,
/// in the marker's metadata under that lease (so only the holder can write it). Renewing rewrites the expiry, with
/// any duration. An acquirer that finds the record expired breaks the Azure lease on the condition that the marker's
/// ETag is still the one it read (a renewal in between changes it), then takes the lease; a record written after a
/// break fails, so exactly one party ends up holding. Releasing deletes the marker under the lease id.</para>
/// </remarks>
public sealed class AzureBlobObjectStore : IObjectStore
{
    /// <summary>Folder of lease marker blobs; its segment is reserved, so no object key can reach it.</summary>
    private const string LeaseFolder = ObjectKey.ReservedSegmentPrefix + "/leases/";

    /// <summary>Rounds of read / break / acquire before an acquirer concludes the lease is contended and reports it taken.</summary>
    private const int MaxLeaseRounds = 8;

    private readonly BlobContainerClient _container;
    private readonly int _blockSize;
    private readonly bool _createContainer;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _containerGate = new(1, 1);
    private volatile bool _containerReady;

    /// <param name="container">The container holding the objects.</param>
    /// <param name="uploadBlockSize">Largest object sent in one request and size of each staged block beyond that.</param>
    /// <param name="createContainerIfMissing">Create the container on first use (development accounts).</param>
    /// <param name="logger">Where lease takeovers and container creation are logged.</param>
    public AzureBlobObjectStore(
        BlobContainerClient container,
        int uploadBlockSize = AzureBlobStoreOptions.DefaultUploadBlockSize,
        bool createContainerIfMissing = false,
        ILogger<AzureBlobObjectStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentOutOfRangeException.ThrowIfLessThan(uploadBlockSize, 1);
        _container = container;
        _blockSize = uploadBlockSize;
        _createContainer = createContainerIfMissing;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The container's URI (for diagnostics; carries no secret).</summary>
    public Uri ContainerUri => _container.Uri;

    /// <summary>
    /// Builds the store from validated options: a connection string (Azurite) or the blob endpoint signed in with
    /// <paramref name="credential"/> (default: <see cref="DefaultAzureCredential"/>, i.e. the managed identity in Azure).
    /// </summary>
    public static AzureBlobObjectStore Create(AzureBlobStoreOptions options, TokenCredential? credential = null, ILogger<AzureBlobObjectStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = AzureBlobStoreOptionsValidator.Problems(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid Azure Blob store configuration: " + string.Join(" ", problems), nameof(options));
        }

        var clientOptions = ClientOptions(options);
        BlobServiceClient service;
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (!IsDevelopmentConnectionString(options.ConnectionString))
            {
                logger?.LogWarning("Store:ConnectionString names a real storage account; connection strings carry account keys and are meant for Azurite. "
                    + "In Azure set Store:BlobServiceUri and let the managed identity sign in.");
            }

            service = new BlobServiceClient(options.ConnectionString, clientOptions);
        }
        else
        {
            service = new BlobServiceClient(new Uri(options.BlobServiceUri!), credential ?? new DefaultAzureCredential(), clientOptions);
        }

        return new AzureBlobObjectStore(service.GetBlobContainerClient(options.Container), options.UploadBlockSize, options.CreateContainer, logger);
    }

    /// <summary>
    /// The client's retry policy: a request that fails with a connection error, a timeout, 408, 429 or a 5xx is sent again
    /// <see cref="MaxRetries"/> times, after 0.8 s, 1.6 s, 3.2 s, 6.4 s and 12.8 s (±20 %), so a store that refuses
    /// connections is given about 25 s before a call fails with an <see cref="IOException"/>; a request that gets no
    /// byte for <see cref="AzureBlobStoreOptions.NetworkTimeout"/> counts as failed, so a frozen service fails a call
    /// after six timeouts instead of hanging it.
    /// </summary>
    internal static BlobClientOptions ClientOptions(AzureBlobStoreOptions options)
    {
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = MaxRetries;
        clientOptions.Retry.Delay = TimeSpan.FromSeconds(0.8);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(20);
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        return clientOptions;
    }

    /// <summary>Retries of one request after its first attempt (<see cref="ClientOptions"/>).</summary>
    internal const int MaxRetries = 5;

    public Task<StoredObject?> ReadAsync(string key, CancellationToken cancellationToken = default) =>
        CallAsync("read", key, async Task<StoredObject?> () =>
        {
            try
            {
                var result = (await Blob(key).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
                var content = result.Content.ToMemory();
                var details = result.Details;
                return new StoredObject(new ObjectProperties(key, content.Length, details.ETag.ToString(), details.LastModified), content);
            }
            catch (RequestFailedException e) when (IsBlobNotFound(e))
            {
                return null;
            }
        }, cancellationToken);

    public Task<ObjectDownload?> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        CallAsync("read", key, async Task<ObjectDownload?> () =>
        {
            try
            {
                // One GET: the stream is that version's bytes; the SDK's resumption after a dropped connection is
                // conditioned on this ETag, so an overwrite mid-read fails the read instead of mixing versions.
                var result = (await Blob(key).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
                var details = result.Details;
                return new ObjectDownload(new ObjectProperties(key, details.ContentLength, details.ETag.ToString(), details.LastModified), result.Content);
            }
            catch (RequestFailedException e) when (IsBlobNotFound(e))
            {
                return null;
            }
        }, cancellationToken);

    public Task<ObjectProperties?> GetPropertiesAsync(string key, CancellationToken cancellationToken = default) =>
        CallAsync("properties", key, () => PropertiesOrNullAsync(key, cancellationToken), cancellationToken);

    public Task<ObjectProperties> WriteAsync(string key, ReadOnlyMemory<byte> content, WriteCondition? condition = null, CancellationToken cancellationToken = default)
    {
        var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        return WriteFromStreamAsync(key, stream, condition, cancellationToken);
    }

    public Task<ObjectProperties> WriteFromStreamAsync(string key, Stream content, WriteCondition? condition = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var effective = condition ?? WriteCondition.Always;
        var writeId = Guid.NewGuid().ToString("N");
        return CallAsync("write", key, async () =>
        {
            try
            {
                return await UploadAsync(key, content, ToRequestConditions(effective), writeId, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (IsPreconditionFailure(e))
            {
                var current = await WrittenAsync(key, cancellationToken).ConfigureAwait(false);
                if (current is { } written && written.WriteId == writeId)
                {
                    // The service applied an earlier attempt of this very call and its answer was lost (a connection reset
                    // after the request, a timeout); the client's retry then met its own write. It is this call's success.
                    _logger.LogInformation("Write of {Key} was applied by an earlier attempt whose response was lost; its retry met it", key);
                    return written.Properties;
                }

                throw new PreconditionFailedException(key, effective, current?.Properties.ETag);
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.InvalidBlockList)
            {
                throw new IOException($"Writing '{key}' failed: another write of the same key was published while this one was uploading, "
                    + "and publishing it discarded this upload's staged blocks. Nothing of this write is visible; write it again.", e);
            }
        }, cancellationToken);
    }

    public Task<bool> DeleteAsync(string key, WriteCondition? condition = null, CancellationToken cancellationToken = default)
    {
        var effective = condition ?? WriteCondition.Always;
        if (effective.Kind == WriteConditionKind.CreateOnly)
        {
            throw new ArgumentException($"Delete of '{key}' cannot be create-only; use WriteCondition.Always or WriteCondition.IfMatch.", nameof(condition));
        }

        return CallAsync("delete", key, async () =>
        {
            if (effective.Kind == WriteConditionKind.Always)
            {
                return (await Blob(key).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            }

            try
            {
                await Blob(key).DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, ToRequestConditions(effective), cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (IsPreconditionFailure(e) || IsBlobNotFound(e))
            {
                throw new PreconditionFailedException(key, effective, (await PropertiesOrNullAsync(key, cancellationToken).ConfigureAwait(false))?.ETag);
            }
        }, cancellationToken);
    }

    public async IAsyncEnumerable<ObjectProperties> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKey.ValidatePrefix(prefix);
        // The service lists in its own name order (UTF-8 bytes); the port promises ordinal (UTF-16) order, which
        // differs beyond the BMP. Collecting first also keeps a listing from holding a continuation open.
        var items = await CallAsync("list", prefix, () => CollectAsync(prefix, cancellationToken), cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }

    public Task<ObjectLease?> AcquireLeaseAsync(string key, TimeSpan duration, string owner, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        ValidateLeaseDuration(duration);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        return CallAsync("lease", key, async Task<ObjectLease?> () =>
        {
            var marker = LeaseMarker(key);
            for (var round = 0; round < MaxLeaseRounds; round++)
            {
                var state = await ReadMarkerAsync(marker, cancellationToken).ConfigureAwait(false);
                if (state is null)
                {
                    await CreateMarkerAsync(marker, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (state.Leased)
                {
                    if (state.Record is { } held && held.ExpiresAt > state.ServerNow)
                    {
                        return null;
                    }

                    if (!await TryBreakExpiredAsync(marker, state.ETag, cancellationToken).ConfigureAwait(false))
                    {
                        continue;
                    }

                    _logger.LogInformation("Took over the expired lease on {Key} from {Owner} (expired {ExpiresAt:O}).",
                        key, state.Record?.Owner ?? "a holder that never recorded itself", state.Record?.ExpiresAt);
                }

                var leaseId = Guid.NewGuid().ToString();
                DateTimeOffset acquiredAt;
                try
                {
                    var granted = await marker.GetBlobLeaseClient(leaseId)
                        .AcquireAsync(BlobLeaseClient.InfiniteLeaseDuration, conditions: null, cancellationToken).ConfigureAwait(false);
                    acquiredAt = ServerTime(granted.GetRawResponse());
                }
                catch (RequestFailedException e) when (e.Status == 409)
                {
                    // Someone acquired it between our read and our acquire: they hold it now.
                    return null;
                }
                catch (RequestFailedException e) when (IsBlobNotFound(e))
                {
                    continue;
                }

                var lease = new ObjectLease(key, leaseId, owner, acquiredAt, acquiredAt + duration);
                // Fails only if another acquirer broke our fresh lease, having read the previous, expired record:
                // that acquirer is taking over, so we do not hold the lease.
                return await TryRecordAsync(marker, lease, cancellationToken).ConfigureAwait(false) ? lease : null;
            }

            _logger.LogWarning("Gave up acquiring the lease on {Key} after {Rounds} contended rounds.", key, MaxLeaseRounds);
            return null;
        }, cancellationToken);
    }

    public Task<ObjectLease?> RenewLeaseAsync(ObjectLease lease, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ObjectKey.Validate(lease.Key);
        ValidateLeaseDuration(duration);
        if (!Guid.TryParse(lease.LeaseId, out _))
        {
            return Task.FromResult<ObjectLease?>(null);
        }

        return CallAsync("lease renewal", lease.Key, async Task<ObjectLease?> () =>
        {
            var marker = LeaseMarker(lease.Key);
            DateTimeOffset now;
            try
            {
                // Proves we still hold the Azure lease and reads the service's clock in one request.
                var renewed = await marker.GetBlobLeaseClient(lease.LeaseId).RenewAsync(conditions: null, cancellationToken).ConfigureAwait(false);
                now = ServerTime(renewed.GetRawResponse());
            }
            catch (RequestFailedException e) when (e.Status == 409 || IsBlobNotFound(e))
            {
                return null;
            }

            var extended = lease with { ExpiresAt = now + duration };
            return await TryRecordAsync(marker, extended, cancellationToken).ConfigureAwait(false) ? extended : null;
        }, cancellationToken);
    }

    public Task<bool> ReleaseLeaseAsync(ObjectLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ObjectKey.Validate(lease.Key);
        if (!Guid.TryParse(lease.LeaseId, out _))
        {
            return Task.FromResult(false);
        }

        return CallAsync("lease release", lease.Key, async () =>
        {
            try
            {
                // Deleting under the lease id ends the lease and removes the marker in one step; anyone else's lease
                // (or none) makes the delete fail instead.
                await LeaseMarker(lease.Key).DeleteAsync(DeleteSnapshotsOption.None, new BlobRequestConditions { LeaseId = lease.LeaseId }, cancellationToken)
                    .ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 || IsBlobNotFound(e))
            {
                return false;
            }
        }, cancellationToken);
    }

    public Task<ObjectLease?> GetLeaseAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        return CallAsync("lease", key, async Task<ObjectLease?> () =>
        {
            var state = await ReadMarkerAsync(LeaseMarker(key), cancellationToken).ConfigureAwait(false);
            return state is { Leased: true, Record: { } record } && record.ExpiresAt > state.ServerNow
                ? new ObjectLease(key, record.LeaseId, record.Owner, record.AcquiredAt, record.ExpiresAt)
                : null;
        }, cancellationToken);
    }

    /// <summary>The name of the marker blob that carries <paramref name="key"/>'s lease (keys can be 1024 characters; hashes fit).</summary>
    internal static string LeaseMarkerName(string key) =>
        LeaseFolder + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private BlockBlobClient Blob(string key) => _container.GetBlockBlobClient(ObjectKey.Validate(key));

    private BlockBlobClient LeaseMarker(string key) => _container.GetBlockBlobClient(LeaseMarkerName(key));

    /// <summary>
    /// Metadata every write carries: a fresh id per call, by which a conditional write whose response was lost recognizes
    /// that the service applied it (its retry fails the condition against its own write).
    /// </summary>
    internal const string WriteIdMetadata = "tfwrite";

    private async Task<ObjectProperties> UploadAsync(string key, Stream content, BlobRequestConditions? conditions, string writeId, CancellationToken cancellationToken)
    {
        var blob = Blob(key);
        var metadata = new Dictionary<string, string> { [WriteIdMetadata] = writeId };
        var current = ArrayPool<byte>.Shared.Rent(_blockSize);
        var spare = (byte[]?)null;
        Task? staging = null;
        try
        {
            var count = await ReadBlockAsync(content, current, cancellationToken).ConfigureAwait(false);
            if (count < _blockSize)
            {
                using var whole = new MemoryStream(current, 0, count, writable: false);
                var put = await blob.UploadAsync(whole, new BlobUploadOptions { Conditions = conditions, Metadata = metadata }, cancellationToken).ConfigureAwait(false);
                return new ObjectProperties(key, count, put.Value.ETag.ToString(), put.Value.LastModified);
            }

            // Large: stage uncommitted blocks (invisible to readers), reading the next block while one uploads,
            // then publish them all with one Put Block List that carries the condition.
            spare = ArrayPool<byte>.Shared.Rent(_blockSize);
            var uploadId = Guid.NewGuid().ToString("N");
            var blockIds = new List<string>();
            long size = 0;
            while (count > 0)
            {
                var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes(uploadId + blockIds.Count.ToString("D6", CultureInfo.InvariantCulture)));
                blockIds.Add(blockId);
                staging = blob.StageBlockAsync(blockId, new MemoryStream(current, 0, count, writable: false), options: null, cancellationToken);
                var next = await ReadBlockAsync(content, spare, cancellationToken).ConfigureAwait(false);
                await staging.ConfigureAwait(false);
                staging = null;
                size += count;
                (current, spare) = (spare, current);
                count = next;
            }

            var commit = await blob.CommitBlockListAsync(blockIds, new CommitBlockListOptions { Conditions = conditions, Metadata = metadata }, cancellationToken).ConfigureAwait(false);
            return new ObjectProperties(key, size, commit.Value.ETag.ToString(), commit.Value.LastModified);
        }
        finally
        {
            if (staging is not null)
            {
                // The block in flight still reads from a pooled buffer; wait for it before handing the buffer back.
                try
                {
                    await staging.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The write already failed for another reason, which is the one reported.
                }
            }

            ArrayPool<byte>.Shared.Return(current);
            if (spare is not null)
            {
                ArrayPool<byte>.Shared.Return(spare);
            }
        }
    }

    private async Task<int> ReadBlockAsync(Stream content, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < _blockSize)
        {
            var read = await content.ReadAsync(buffer.AsMemory(filled, _blockSize - filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }

    private async Task<ObjectProperties?> PropertiesOrNullAsync(string key, CancellationToken cancellationToken) =>
        (await WrittenAsync(key, cancellationToken).ConfigureAwait(false))?.Properties;

    /// <summary>The object's properties and the id of the write that made it (null for objects written before writes carried one).</summary>
    private async Task<(ObjectProperties Properties, string? WriteId)?> WrittenAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await Blob(key).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return (new ObjectProperties(key, properties.ContentLength, properties.ETag.ToString(), properties.LastModified),
                properties.Metadata.TryGetValue(WriteIdMetadata, out var id) ? id : null);
        }
        catch (RequestFailedException e) when (IsBlobNotFound(e))
        {
            return null;
        }
    }

    private async Task<List<ObjectProperties>> CollectAsync(string prefix, CancellationToken cancellationToken)
    {
        var items = new List<ObjectProperties>();
        var options = new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix };
        await foreach (var item in _container.GetBlobsAsync(options, cancellationToken).ConfigureAwait(false))
        {
            // Lease markers (reserved segment) and blobs other tools named outside the key rules are not objects.
            if (!ObjectKey.IsValid(item.Name, out _))
            {
                continue;
            }

            var properties = item.Properties;
            items.Add(new ObjectProperties(item.Name, properties.ContentLength ?? 0, properties.ETag?.ToString() ?? string.Empty, properties.LastModified ?? default));
        }

        items.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return items;
    }

    private async Task<MarkerState?> ReadMarkerAsync(BlockBlobClient marker, CancellationToken cancellationToken)
    {
        try
        {
            var response = await marker.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var properties = response.Value;
            return new MarkerState(
                properties.LeaseState == LeaseState.Leased,
                BlobLeaseRecord.FromMetadata(properties.Metadata),
                properties.ETag,
                ServerTime(response.GetRawResponse()));
        }
        catch (RequestFailedException e) when (IsBlobNotFound(e))
        {
            return null;
        }
    }

    private static async Task CreateMarkerAsync(BlockBlobClient marker, CancellationToken cancellationToken)
    {
        try
        {
            using var empty = new MemoryStream([], writable: false);
            await marker.UploadAsync(empty, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (IsPreconditionFailure(e) || e.Status == 412)
        {
            // Another acquirer created it first (or it is leased already); the next round reads it.
        }
    }

    /// <summary>Breaks an expired Azure lease unless the marker changed since it was read (a renewal rewrites its metadata).</summary>
    private static async Task<bool> TryBreakExpiredAsync(BlockBlobClient marker, ETag seen, CancellationToken cancellationToken)
    {
        try
        {
            await marker.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero, new RequestConditions { IfMatch = seen }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // No lease to break any more (released or broken by someone else): the acquire decides.
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412 || IsBlobNotFound(e))
        {
            return false;
        }
    }

    /// <summary>Writes the lease record under the lease id; false when that Azure lease is no longer ours.</summary>
    private static async Task<bool> TryRecordAsync(BlockBlobClient marker, ObjectLease lease, CancellationToken cancellationToken)
    {
        var record = new BlobLeaseRecord(lease.LeaseId, lease.Owner, lease.AcquiredAt, lease.ExpiresAt);
        try
        {
            await marker.SetMetadataAsync(record.ToMetadata(), new BlobRequestConditions { LeaseId = lease.LeaseId }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 || IsBlobNotFound(e))
        {
            return false;
        }
    }

    private async Task<T> CallAsync<T>(string operation, string key, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        if (operation != "list")
        {
            ObjectKey.Validate(key);
        }

        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            throw new IOException($"The Azure Blob container {_container.Uri} does not exist. The infrastructure creates it in Azure; "
                + "for a development account set Store:CreateContainer=true.", e);
        }
        catch (RequestFailedException e) when (e.Status == 403)
        {
            throw new UnauthorizedAccessException($"Azure Blob {operation} of '{key}' in {_container.Uri} was refused ({e.ErrorCode}): the identity needs "
                + "the 'Storage Blob Data Contributor' role on the container (in Azure, the managed identity named by AZURE_CLIENT_ID).", e);
        }
        catch (RequestFailedException e)
        {
            // IOException: what callers treat as a transient store failure (the SDK has already retried).
            throw new IOException($"Azure Blob {operation} of '{key}' failed: HTTP {e.Status} {e.ErrorCode}: {FirstLine(e.Message)}", e);
        }
        catch (AggregateException e) when (!cancellationToken.IsCancellationRequested && e.InnerExceptions.All(IsTransportFailure))
        {
            // The SDK's retries are spent: the service refused connections, reset them or did not answer in time, every time.
            throw new IOException($"Azure Blob {operation} of '{key}' failed after {e.InnerExceptions.Count} attempts: the service at {_container.Uri.Authority} "
                + $"did not answer ({FirstLine(e.InnerExceptions[^1].Message)}).", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // A network timeout of the last attempt (the caller did not cancel): as transient as a refused connection.
            throw new IOException($"Azure Blob {operation} of '{key}' failed: the service at {_container.Uri.Authority} did not answer ({FirstLine(e.Message)}).", e);
        }
    }

    /// <summary>A failure to reach the service (no HTTP status): refused or reset connection, or a network timeout.</summary>
    private static bool IsTransportFailure(Exception e) =>
        e is RequestFailedException { Status: 0 } or HttpRequestException or IOException or OperationCanceledException;

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (!_createContainer || _containerReady)
        {
            return;
        }

        await _containerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_containerReady)
            {
                var created = await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                if (created is not null)
                {
                    _logger.LogInformation("Created the Azure Blob container {Container}.", _container.Uri);
                }

                _containerReady = true;
            }
        }
        finally
        {
            _containerGate.Release();
        }
    }

    private static BlobRequestConditions? ToRequestConditions(WriteCondition condition) => condition.Kind switch
    {
        WriteConditionKind.Always => null,
        WriteConditionKind.CreateOnly => new BlobRequestConditions { IfNoneMatch = ETag.All },
        WriteConditionKind.IfMatch => new BlobRequestConditions { IfMatch = new ETag(condition.ETag!) },
        _ => throw new InvalidOperationException($"Unknown write condition kind {condition.Kind}."),
    };

    /// <summary>412 ConditionNotMet (If-Match), 409 BlobAlreadyExists (If-None-Match: *), or If-Match on a missing blob.</summary>
    private static bool IsPreconditionFailure(RequestFailedException e) =>
        e.Status == 412 && e.ErrorCode == BlobErrorCode.ConditionNotMet
        || e.Status == 409 && e.ErrorCode == BlobErrorCode.BlobAlreadyExists
        || IsBlobNotFound(e);

    private static bool IsBlobNotFound(RequestFailedException e) =>
        e.Status == 404 && e.ErrorCode != BlobErrorCode.ContainerNotFound;

    /// <summary>The service's clock as of <paramref name="response"/> (HTTP Date, one-second resolution).</summary>
    private static DateTimeOffset ServerTime(Response response) => response.Headers.Date ?? DateTimeOffset.UtcNow;

    private static void ValidateLeaseDuration(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A lease duration must be positive.");
        }
    }

    private static bool IsDevelopmentConnectionString(string connectionString) =>
        connectionString.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
        || connectionString.Contains("AccountName=devstoreaccount1", StringComparison.OrdinalIgnoreCase);

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    private sealed record MarkerState(bool Leased, BlobLeaseRecord? Record, ETag ETag, DateTimeOffset ServerNow);
}

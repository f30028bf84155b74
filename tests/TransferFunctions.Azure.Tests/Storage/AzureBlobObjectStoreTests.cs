using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using TransferFunctions.Azure.Storage;
using TransferFunctions.Azure.Tests.TestSupport;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Azure.Tests.Storage;

/// <summary>What the contract does not pin down but the Blob mapping must get right, on a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobObjectStoreTests(AzuriteFixture azurite)
{
    private const int Block = 1024 * 1024;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task Streamed_write_stays_invisible_until_committed_and_its_create_only_condition_is_checked_at_the_end()
    {
        var (store, _) = await NewStoreAsync();
        const string key = "features/backbone/dataset.bin";
        StoredObject? seenMidUpload = new(new ObjectProperties("x", 0, "x", default), default);
        ObjectProperties? rival = null;
        // After two blocks are staged, a reader looks and a rival writes the key (unconditionally: on Azurite a
        // create-only write fails while another upload of the key has staged blocks, though no object exists yet).
        var upload = new CallbackStream(new DeterministicStream(3 * Block + 4321, seed: 3), 2 * Block, async () =>
        {
            seenMidUpload = await store.ReadAsync(key, Ct);
            rival = await store.WriteAsync(key, "rival"u8.ToArray(), cancellationToken: Ct);
        });

        var error = await Assert.ThrowsAsync<PreconditionFailedException>(() => store.WriteFromStreamAsync(key, upload, WriteCondition.CreateOnly, Ct));

        Assert.Null(seenMidUpload);
        Assert.NotNull(rival);
        Assert.Equal(rival.ETag, error.CurrentETag);
        Assert.Equal("rival", Encoding.UTF8.GetString((await store.ReadAsync(key, Ct))!.Content.Span));
    }

    [Fact]
    public async Task Streamed_compare_and_swap_publishes_whole_blocks_and_readers_see_the_old_version_until_then()
    {
        var (store, _) = await NewStoreAsync();
        const string key = "models/fashion/v2/weights.bin";
        var v1 = await store.WriteAsync(key, "v1"u8.ToArray(), cancellationToken: Ct);
        StoredObject? seenMidUpload = null;
        const long size = 2L * Block + 77;
        var upload = new CallbackStream(new DeterministicStream(size, seed: 11), Block + 1, async () => seenMidUpload = await store.ReadAsync(key, Ct));

        var v2 = await store.WriteFromStreamAsync(key, upload, WriteCondition.IfMatch(v1.ETag), Ct);
        var read = await store.ReadAsync(key, Ct);

        Assert.Equal(v1.ETag, seenMidUpload?.ETag);
        Assert.Equal("v1", Encoding.UTF8.GetString(seenMidUpload!.Content.Span));
        Assert.Equal(size, v2.Size);
        Assert.Equal(v2.ETag, read!.ETag);
        Assert.Equal(SHA256.HashData(new DeterministicStream(size, seed: 11)), SHA256.HashData(read.Content.Span));
    }

    [Fact]
    public async Task Leases_are_advisory_the_object_stays_writable_and_deletable_by_anyone()
    {
        var (store, _) = await NewStoreAsync();
        const string key = "aliases/champion.json";
        var v1 = await store.WriteAsync(key, "v1"u8.ToArray(), cancellationToken: Ct);
        var lease = await store.AcquireLeaseAsync(key, TimeSpan.FromSeconds(30), "promoter", Ct);
        Assert.NotNull(lease);

        var v2 = await store.WriteAsync(key, "v2"u8.ToArray(), WriteCondition.IfMatch(v1.ETag), Ct);
        Assert.True(await store.DeleteAsync(key, WriteCondition.IfMatch(v2.ETag), Ct));

        Assert.Equal(lease.LeaseId, (await store.GetLeaseAsync(key, Ct))?.LeaseId);
        Assert.True(await store.ReleaseLeaseAsync(lease, Ct));
    }

    [Fact]
    public async Task Of_eight_racing_acquirers_exactly_one_gets_a_free_lease_and_exactly_one_takes_over_an_expired_one()
    {
        var (store, _) = await NewStoreAsync();
        const string key = "runs/race/lease";

        async Task<ObjectLease?[]> RaceAsync(TimeSpan duration) =>
            await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => store.AcquireLeaseAsync(key, duration, $"runner-{i}", Ct), Ct)));

        var free = await RaceAsync(TimeSpan.FromSeconds(2));
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        var expired = await RaceAsync(TimeSpan.FromSeconds(30));

        var firstWinner = Assert.Single(free, l => l is not null)!;
        var secondWinner = Assert.Single(expired, l => l is not null)!;
        Assert.Equal(secondWinner.LeaseId, (await store.GetLeaseAsync(key, Ct))?.LeaseId);
        Assert.Null(await store.RenewLeaseAsync(firstWinner, TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public async Task Lease_longer_than_Azure_allows_is_held_and_a_renewal_may_change_its_length()
    {
        var (store, _) = await NewStoreAsync();
        const string key = "runs/long/lease";
        var before = DateTimeOffset.UtcNow;

        var lease = await store.AcquireLeaseAsync(key, TimeSpan.FromMinutes(10), "trainer", Ct);

        Assert.NotNull(lease);
        Assert.InRange(lease.ExpiresAt, before + TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(5), before + TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(5));
        Assert.Equal("trainer", (await store.GetLeaseAsync(key, Ct))?.Owner);
        Assert.Null(await store.AcquireLeaseAsync(key, TimeSpan.FromSeconds(15), "other", Ct));

        var shortened = await store.RenewLeaseAsync(lease, TimeSpan.FromSeconds(1), Ct);
        Assert.NotNull(shortened);
        Assert.True(shortened.ExpiresAt < lease.ExpiresAt);
        Assert.Equal(lease.AcquiredAt, shortened.AcquiredAt);
        await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);

        Assert.Null(await store.GetLeaseAsync(key, Ct));
        Assert.NotNull(await store.AcquireLeaseAsync(key, TimeSpan.FromSeconds(15), "other", Ct));
    }

    [Fact]
    public async Task Lease_markers_are_not_objects_and_a_release_removes_its_marker()
    {
        var (store, container) = await NewStoreAsync();
        await store.WriteAsync("datasets/fashion/b1/_READY", ReadOnlyMemory<byte>.Empty, cancellationToken: Ct);
        var lease = await store.AcquireLeaseAsync("runs/r1/lease", TimeSpan.FromSeconds(20), "runner", Ct);
        Assert.NotNull(lease);

        var listed = await ListKeysAsync(store, "");
        var raw = await RawNamesAsync(container);
        Assert.True(await store.ReleaseLeaseAsync(lease, Ct));
        var rawAfterRelease = await RawNamesAsync(container);

        Assert.Equal(["datasets/fashion/b1/_READY"], listed);
        Assert.Equal([AzureBlobObjectStore.LeaseMarkerName("runs/r1/lease"), "datasets/fashion/b1/_READY"], raw);
        Assert.StartsWith(".tfstore/leases/", AzureBlobObjectStore.LeaseMarkerName("runs/r1/lease"), StringComparison.Ordinal);
        Assert.Equal(["datasets/fashion/b1/_READY"], rawAfterRelease);
    }

    [Theory]
    [InlineData("datasets/fashion/batch 1/ümlaut é.png")]
    [InlineData("datasets/odd/100%/a#b?c&d=e+f.json")]
    [InlineData("datasets/odd/日本語/ファイル.txt")]
    [InlineData("datasets/odd/name with trailing dot.")]
    [InlineData("datasets/odd/emoji-😀.bin")]
    public async Task Keys_with_spaces_escapes_and_non_ascii_round_trip_verbatim(string key)
    {
        var (store, container) = await NewStoreAsync();

        var written = await store.WriteAsync(key, Encoding.UTF8.GetBytes(key), WriteCondition.CreateOnly, Ct);

        Assert.Equal(key, Encoding.UTF8.GetString((await store.ReadAsync(key, Ct))!.Content.Span));
        Assert.Equal(written.ETag, (await store.GetPropertiesAsync(key, Ct))!.ETag);
        Assert.Equal([key], await ListKeysAsync(store, "datasets/"));
        Assert.Equal([key], await RawNamesAsync(container));
        Assert.True(await store.DeleteAsync(key, WriteCondition.IfMatch(written.ETag), Ct));
    }

    [Fact]
    public async Task Missing_container_is_reported_with_what_to_do_and_is_created_on_request()
    {
        var container = azurite.ServiceClient().GetBlobContainerClient($"missing-{Guid.NewGuid():N}");
        var strict = new AzureBlobObjectStore(container);
        var creating = new AzureBlobObjectStore(container, createContainerIfMissing: true);

        var error = await Assert.ThrowsAsync<IOException>(() => strict.WriteAsync("a/b.json", "{}"u8.ToArray(), cancellationToken: Ct));
        await creating.WriteAsync("a/b.json", "{}"u8.ToArray(), cancellationToken: Ct);

        Assert.Contains(container.Name, error.Message, StringComparison.Ordinal);
        Assert.Contains("Store:CreateContainer", error.Message, StringComparison.Ordinal);
        Assert.NotNull(await strict.ReadAsync("a/b.json", Ct));
    }

    private async Task<(AzureBlobObjectStore Store, BlobContainerClient Container)> NewStoreAsync()
    {
        var container = await azurite.CreateContainerAsync("behaviour");
        return (new AzureBlobObjectStore(container, uploadBlockSize: Block), container);
    }

    private async Task<List<string>> ListKeysAsync(IObjectStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var item in store.ListAsync(prefix, Ct))
        {
            keys.Add(item.Key);
        }

        return keys;
    }

    private async Task<List<string>> RawNamesAsync(BlobContainerClient container)
    {
        var names = new List<string>();
        await foreach (var item in container.GetBlobsAsync(cancellationToken: Ct))
        {
            names.Add(item.Name);
        }

        return names;
    }
}

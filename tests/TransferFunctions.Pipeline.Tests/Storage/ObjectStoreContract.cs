using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="IObjectStore"/> must have. An adapter's test class derives from
/// this and supplies the store; all keys live under <see cref="Root"/> so a shared container works.
/// </summary>
public abstract class ObjectStoreContract
{
    /// <summary>The store under test, fresh (or at least empty under <see cref="Root"/>) for each test.</summary>
    protected abstract IObjectStore Store { get; }

    /// <summary>A key prefix unique to this test instance.</summary>
    protected string Root { get; } = $"contract-{Guid.NewGuid():N}/";

    /// <summary>A lease length the store accepts (Azure Blob: 15 to 60 seconds).</summary>
    protected virtual TimeSpan LeaseDuration => TimeSpan.FromSeconds(15);

    /// <summary>Makes at least <paramref name="span"/> pass on the store's lease clock.</summary>
    protected abstract Task LetTimePassAsync(TimeSpan span);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    /// <summary>Cancels a test that hangs instead of failing.</summary>
    protected CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task Written_object_reads_back_with_its_bytes_and_etag()
    {
        var key = Root + "models/fashion/v3/model.json";
        var written = await Store.WriteAsync(key, Encoding.UTF8.GetBytes("{\"a\":1}"), cancellationToken: Ct);

        var read = await Store.ReadAsync(key, Ct);

        Assert.NotNull(read);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(read.Content.Span));
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(7, read.Properties.Size);
        Assert.Equal(key, read.Key);
    }

    [Fact]
    public async Task Missing_object_reads_as_null_everywhere()
    {
        var key = Root + "nothing/here.json";

        Assert.Null(await Store.ReadAsync(key, Ct));
        Assert.Null(await Store.GetPropertiesAsync(key, Ct));
        Assert.Null(await Store.OpenReadAsync(key, Ct));
    }

    [Fact]
    public async Task Properties_report_size_etag_and_last_modified()
    {
        var key = Root + "props.bin";
        var before = DateTimeOffset.UtcNow;
        var written = await Store.WriteAsync(key, new byte[1234], cancellationToken: Ct);
        var after = DateTimeOffset.UtcNow;

        var properties = await Store.GetPropertiesAsync(key, Ct);

        Assert.NotNull(properties);
        Assert.Equal(1234, properties.Size);
        Assert.Equal(written.ETag, properties.ETag);
        // Generous bounds: a remote store stamps with its own clock.
        Assert.InRange(properties.LastModified, before - TimeSpan.FromMinutes(5), after + TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Etag_changes_when_content_changes()
    {
        var key = Root + "counter";
        var first = await Store.WriteAsync(key, "1"u8.ToArray(), cancellationToken: Ct);
        var second = await Store.WriteAsync(key, "2"u8.ToArray(), cancellationToken: Ct);

        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(second.ETag, (await Store.GetPropertiesAsync(key, Ct))!.ETag);
    }

    [Fact]
    public async Task Create_only_write_succeeds_when_absent_and_fails_when_the_object_exists()
    {
        var key = Root + "models/x/v1/claim.json";
        var created = await Store.WriteAsync(key, "first"u8.ToArray(), WriteCondition.CreateOnly, Ct);

        var error = await Assert.ThrowsAsync<PreconditionFailedException>(
            () => Store.WriteAsync(key, "second"u8.ToArray(), WriteCondition.CreateOnly, Ct));

        Assert.Equal(key, error.Key);
        Assert.Equal(created.ETag, error.CurrentETag);
        Assert.Equal("first", Encoding.UTF8.GetString((await Store.ReadAsync(key, Ct))!.Content.Span));
    }

    [Fact]
    public async Task Compare_and_swap_succeeds_with_the_current_etag()
    {
        var key = Root + "aliases/champion.json";
        var v1 = await Store.WriteAsync(key, "v1"u8.ToArray(), cancellationToken: Ct);

        var v2 = await Store.WriteAsync(key, "v2"u8.ToArray(), WriteCondition.IfMatch(v1.ETag), Ct);

        Assert.NotEqual(v1.ETag, v2.ETag);
        Assert.Equal("v2", Encoding.UTF8.GetString((await Store.ReadAsync(key, Ct))!.Content.Span));
    }

    [Fact]
    public async Task Compare_and_swap_fails_when_etag_is_stale()
    {
        var key = Root + "aliases/champion.json";
        var v1 = await Store.WriteAsync(key, "v1"u8.ToArray(), cancellationToken: Ct);
        var v2 = await Store.WriteAsync(key, "v2"u8.ToArray(), WriteCondition.IfMatch(v1.ETag), Ct);

        var error = await Assert.ThrowsAsync<PreconditionFailedException>(
            () => Store.WriteAsync(key, "v3"u8.ToArray(), WriteCondition.IfMatch(v1.ETag), Ct));

        Assert.Equal(v2.ETag, error.CurrentETag);
        Assert.Contains(v1.ETag, error.Message, StringComparison.Ordinal);
        Assert.Equal("v2", Encoding.UTF8.GetString((await Store.ReadAsync(key, Ct))!.Content.Span));
    }

    [Fact]
    public async Task Compare_and_swap_fails_when_the_object_is_absent()
    {
        var error = await Assert.ThrowsAsync<PreconditionFailedException>(
            () => Store.WriteAsync(Root + "absent", "x"u8.ToArray(), WriteCondition.IfMatch("0123456789abcdef"), Ct));

        Assert.Null(error.CurrentETag);
        Assert.Null(await Store.ReadAsync(Root + "absent", Ct));
    }

    [Fact]
    public async Task Concurrent_compare_and_swap_increments_from_eight_tasks_lose_no_update()
    {
        const int tasks = 8;
        const int incrementsPerTask = 25;
        var key = Root + "counter.txt";
        await Store.WriteAsync(key, "0"u8.ToArray(), WriteCondition.CreateOnly, Ct);
        var conflicts = 0;

        async Task IncrementAsync()
        {
            for (var i = 0; i < incrementsPerTask; i++)
            {
                while (true)
                {
                    var current = (await Store.ReadAsync(key, Ct))!;
                    var value = int.Parse(Encoding.UTF8.GetString(current.Content.Span), CultureInfo.InvariantCulture);
                    try
                    {
                        await Store.WriteAsync(key, Encoding.UTF8.GetBytes((value + 1).ToString(CultureInfo.InvariantCulture)), WriteCondition.IfMatch(current.ETag), Ct);
                        break;
                    }
                    catch (PreconditionFailedException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, tasks).Select(_ => Task.Run(IncrementAsync, Ct)));

        var final = int.Parse(Encoding.UTF8.GetString((await Store.ReadAsync(key, Ct))!.Content.Span), CultureInfo.InvariantCulture);
        Assert.Equal(tasks * incrementsPerTask, final);
    }

    [Fact]
    public async Task Listing_returns_only_keys_under_the_prefix_in_ordinal_order()
    {
        foreach (var name in new[] { "b/1", "a/bc", "a/b/2", "a-b", "a/b/1" })
        {
            await Store.WriteAsync(Root + name, Encoding.UTF8.GetBytes(name), cancellationToken: Ct);
        }

        async Task<List<ObjectProperties>> ListAsync(string prefix)
        {
            var items = new List<ObjectProperties>();
            await foreach (var item in Store.ListAsync(Root + prefix, Ct))
            {
                items.Add(item);
            }

            return items;
        }

        var folder = await ListAsync("a/b/");
        var partial = await ListAsync("a/b");
        var all = await ListAsync("");

        Assert.Equal([Root + "a/b/1", Root + "a/b/2"], folder.Select(p => p.Key));
        Assert.Equal([Root + "a/b/1", Root + "a/b/2", Root + "a/bc"], partial.Select(p => p.Key));
        Assert.Equal(new[] { "a-b", "a/b/1", "a/b/2", "a/bc", "b/1" }.Select(k => Root + k), all.Select(p => p.Key));
        Assert.All(all, p => Assert.Equal(p.Key.Length - Root.Length, p.Size));
        Assert.Empty(await ListAsync("nothing/"));
    }

    [Fact]
    public async Task Delete_with_stale_etag_fails_and_keeps_the_object()
    {
        var key = Root + "doomed";
        var v1 = await Store.WriteAsync(key, "1"u8.ToArray(), cancellationToken: Ct);
        await Store.WriteAsync(key, "2"u8.ToArray(), cancellationToken: Ct);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => Store.DeleteAsync(key, WriteCondition.IfMatch(v1.ETag), Ct));

        Assert.NotNull(await Store.ReadAsync(key, Ct));
    }

    [Fact]
    public async Task Delete_with_current_etag_removes_the_object()
    {
        var key = Root + "doomed";
        var v1 = await Store.WriteAsync(key, "1"u8.ToArray(), cancellationToken: Ct);

        Assert.True(await Store.DeleteAsync(key, WriteCondition.IfMatch(v1.ETag), Ct));

        Assert.Null(await Store.ReadAsync(key, Ct));
        Assert.False(await Store.DeleteAsync(key, cancellationToken: Ct));
        await Assert.ThrowsAsync<PreconditionFailedException>(() => Store.DeleteAsync(key, WriteCondition.IfMatch(v1.ETag), Ct));
    }

    [Fact]
    public async Task Lease_is_exclusive_until_released()
    {
        var key = Root + "runs/r1/lease";
        var first = await Store.AcquireLeaseAsync(key, LeaseDuration, "runner-a", Ct);
        Assert.NotNull(first);

        Assert.Null(await Store.AcquireLeaseAsync(key, LeaseDuration, "runner-b", Ct));
        Assert.Equal(first.LeaseId, (await Store.GetLeaseAsync(key, Ct))?.LeaseId);

        Assert.True(await Store.ReleaseLeaseAsync(first, Ct));
        Assert.Null(await Store.GetLeaseAsync(key, Ct));
        var second = await Store.AcquireLeaseAsync(key, LeaseDuration, "runner-b", Ct);

        Assert.NotNull(second);
        Assert.Equal("runner-b", second.Owner);
        Assert.False(await Store.ReleaseLeaseAsync(first, Ct));
        Assert.Null(await Store.RenewLeaseAsync(first, LeaseDuration, Ct));
    }

    [Fact]
    public async Task Expired_lease_can_be_taken_over_and_the_old_holder_loses_it()
    {
        var key = Root + "runs/r2/lease";
        var first = await Store.AcquireLeaseAsync(key, LeaseDuration, "runner-a", Ct);
        Assert.NotNull(first);

        await LetTimePassAsync(LeaseDuration + TimeSpan.FromSeconds(1));
        var second = await Store.AcquireLeaseAsync(key, LeaseDuration, "runner-b", Ct);

        Assert.NotNull(second);
        Assert.NotEqual(first.LeaseId, second.LeaseId);
        Assert.Null(await Store.RenewLeaseAsync(first, LeaseDuration, Ct));
        Assert.False(await Store.ReleaseLeaseAsync(first, Ct));
        Assert.Equal(second.LeaseId, (await Store.GetLeaseAsync(key, Ct))?.LeaseId);
    }

    [Fact]
    public async Task Renewed_lease_outlives_its_first_expiry()
    {
        var key = Root + "runs/r3/lease";
        var lease = await Store.AcquireLeaseAsync(key, LeaseDuration, "runner-a", Ct);
        Assert.NotNull(lease);

        await LetTimePassAsync(LeaseDuration * 0.6);
        var renewed = await Store.RenewLeaseAsync(lease, LeaseDuration, Ct);
        await LetTimePassAsync(LeaseDuration * 0.6);

        Assert.NotNull(renewed);
        Assert.True(renewed.ExpiresAt > lease.ExpiresAt);
        Assert.Null(await Store.AcquireLeaseAsync(key, LeaseDuration, "runner-b", Ct));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData("models/../secrets", "'..' segment")]
    [InlineData("..", "'..' segment")]
    [InlineData("models\\x", "backslash")]
    [InlineData("models/x\0y", "NUL")]
    [InlineData("models//x", "empty segment")]
    [InlineData("models/x/", "empty segment")]
    [InlineData("models/./x", "'.' segment")]
    [InlineData(".tfstore/locks/x", "reserved")]
    public async Task Invalid_keys_are_rejected_with_the_reason(string key, string reason)
    {
        var write = await Assert.ThrowsAsync<InvalidObjectKeyException>(() => Store.WriteAsync(key, "x"u8.ToArray(), cancellationToken: Ct));
        var read = await Assert.ThrowsAsync<InvalidObjectKeyException>(() => Store.ReadAsync(key, Ct));
        await Assert.ThrowsAsync<InvalidObjectKeyException>(() => Store.DeleteAsync(key, cancellationToken: Ct));
        await Assert.ThrowsAsync<InvalidObjectKeyException>(() => Store.AcquireLeaseAsync(key, LeaseDuration, "me", Ct));

        Assert.Contains(reason, write.Reason, StringComparison.Ordinal);
        Assert.Equal(write.Message, read.Message);
    }

    [Fact]
    public async Task Large_stream_round_trips_intact()
    {
        const long size = 24L * 1024 * 1024 + 12345;
        var key = Root + "features/backbone/dataset.safetensors";
        var expected = SHA256.HashData(new DeterministicStream(size, seed: 7));

        var written = await Store.WriteFromStreamAsync(key, new DeterministicStream(size, seed: 7), WriteCondition.CreateOnly, Ct);
        await using var download = await Store.OpenReadAsync(key, Ct);

        Assert.NotNull(download);
        Assert.Equal(size, written.Size);
        Assert.Equal(written.ETag, download.Properties.ETag);
        Assert.Equal(size, download.Properties.Size);
        Assert.Equal(expected, await SHA256.HashDataAsync(download.Content, Ct));
    }
}

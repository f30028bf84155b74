using System.Text;
using TransferFunctions.Azure.Storage;
using TransferFunctions.Azure.Tests.TestSupport;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Azure.Tests.Faults;

/// <summary>
/// A conditional write that the service applied but whose answer never reached the client (the connection reset after
/// the request went out): the client's retry then fails the condition against the write itself. The store must report
/// the write as done, not as someone else's conflict; a caller that believed the conflict would give up a run it had
/// just advanced, or claim a version number twice. Real Azurite, with the response dropped between it and the client.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LostResponseTests(AzuriteFixture azurite)
{
    private async Task<(AzureBlobObjectStore Store, ResponseLosingHandler Network)> StoreAsync(string container, int uploadBlockSize = AzureBlobStoreOptions.DefaultUploadBlockSize)
    {
        var network = new ResponseLosingHandler();
        return (await azurite.StoreThroughAsync(network, container, uploadBlockSize), network);
    }

    [Fact]
    public async Task A_create_only_write_whose_answer_was_lost_is_reported_written_not_as_a_conflict()
    {
        var (store, network) = await StoreAsync("lost-create");
        network.LoseNext(HttpMethod.Put, "models/m/v1/claim.json");

        var written = await store.WriteAsync("models/m/v1/claim.json", "{\"run\":\"r1\"}"u8.ToArray(), WriteCondition.CreateOnly);

        Assert.Equal(1, network.Lost);
        Assert.Equal(2, network.Sent(HttpMethod.Put, "models/m/v1/claim.json"));
        var stored = (await store.ReadAsync("models/m/v1/claim.json"))!;
        Assert.Equal("{\"run\":\"r1\"}", Encoding.UTF8.GetString(stored.Content.Span));
        Assert.Equal(stored.ETag, written.ETag);
        // Someone else's object is still a conflict.
        await Assert.ThrowsAsync<PreconditionFailedException>(() => store.WriteAsync("models/m/v1/claim.json", "{\"run\":\"r2\"}"u8.ToArray(), WriteCondition.CreateOnly));
    }

    [Fact]
    public async Task A_compare_and_swap_whose_answer_was_lost_is_reported_written_with_the_new_etag()
    {
        var (store, network) = await StoreAsync("lost-cas");
        var first = await store.WriteAsync("projects/p/champion.json", "{\"version\":1}"u8.ToArray(), WriteCondition.CreateOnly);
        network.LoseNext(HttpMethod.Put, "projects/p/champion.json");

        var moved = await store.WriteAsync("projects/p/champion.json", "{\"version\":2}"u8.ToArray(), WriteCondition.IfMatch(first.ETag));

        Assert.Equal(1, network.Lost);
        var stored = (await store.ReadAsync("projects/p/champion.json"))!;
        Assert.Equal("{\"version\":2}", Encoding.UTF8.GetString(stored.Content.Span));
        Assert.Equal(stored.ETag, moved.ETag);
        // The old ETag is stale now: a second swap from it is a conflict that names the current tag.
        var stale = await Assert.ThrowsAsync<PreconditionFailedException>(() => store.WriteAsync("projects/p/champion.json", "{\"version\":3}"u8.ToArray(), WriteCondition.IfMatch(first.ETag)));
        Assert.Equal(moved.ETag, stale.CurrentETag);
    }

    [Fact]
    public async Task A_staged_upload_whose_publishing_answer_was_lost_is_reported_written()
    {
        var (store, network) = await StoreAsync("lost-staged", uploadBlockSize: 1024);
        var content = Enumerable.Range(0, 4000).Select(i => (byte)(i * 7)).ToArray();
        // The Put Block List that publishes the staged blocks (comp=blocklist) is the request whose answer is lost.
        network.LoseNext(HttpMethod.Put, "models/m/v1/weights.safetensors", query: "comp=blocklist");

        var written = await store.WriteAsync("models/m/v1/weights.safetensors", content, WriteCondition.CreateOnly);

        Assert.Equal(1, network.Lost);
        Assert.Equal(4000, written.Size);
        Assert.Equal(content, (await store.ReadAsync("models/m/v1/weights.safetensors"))!.Content.ToArray());
    }

    /// <summary>Passes requests to Azurite; drops the answer of the next one that matches, after the service handled it.</summary>
    private sealed class ResponseLosingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly Lock _gate = new();
        private readonly List<(HttpMethod Method, string Path)> _sent = [];
        private (HttpMethod Method, string Key, string? Query)? _lose;

        public int Lost { get; private set; }

        public void LoseNext(HttpMethod method, string key, string? query = null)
        {
            lock (_gate) _lose = (method, key, query);
        }

        public int Sent(HttpMethod method, string key)
        {
            lock (_gate) return _sent.Count(s => s.Method == method && s.Path.EndsWith("/" + key, StringComparison.Ordinal));
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            var path = Uri.UnescapeDataString(uri.AbsolutePath);
            lock (_gate) _sent.Add((request.Method, path));
            var response = await base.SendAsync(request, cancellationToken);
            lock (_gate)
            {
                if (_lose is { } lose && request.Method == lose.Method && path.EndsWith("/" + lose.Key, StringComparison.Ordinal)
                    && (lose.Query is null || uri.Query.Contains(lose.Query, StringComparison.Ordinal)))
                {
                    _lose = null;
                    Lost++;
                    response.Dispose();
                    throw new HttpRequestException("The connection was reset before the response arrived (dropped by the test).");
                }
            }

            return response;
        }
    }
}

using System.Net;
using System.Text;
using TransferFunctions.Azure.Storage;
using TransferFunctions.Azure.Tests.TestSupport;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Azure.Tests.Faults;

/// <summary>
/// What a caller of the Blob store sees when the service is unreachable, busy or hung, with the store's own client
/// options (<see cref="AzureBlobObjectStore.ClientOptions"/>): each request is tried 1 + <see cref="AzureBlobObjectStore.MaxRetries"/>
/// times, then the call fails with an <see cref="IOException"/> (what the pipeline treats as a transient store failure)
/// that names the operation, the key, the service and the cause.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StoreRetryPolicyTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_refused_connection_is_retried_then_reported_as_an_IOException_naming_the_service_and_the_data_is_there_when_it_returns()
    {
        using var folder = new TemporaryFolder();
        await using var own = await AzuriteProcess.StartAsync(Path.Combine(folder.Path, "azurite"));
        var store = AzureBlobObjectStore.Create(new AzureBlobStoreOptions { ConnectionString = own.ConnectionString, Container = "refused", CreateContainer = true });
        await store.WriteAsync("runs/r1/run.json", "{}"u8.ToArray());
        await own.StopAsync();

        var error = await Assert.ThrowsAsync<IOException>(() => store.ReadAsync("runs/r1/run.json"));

        Assert.StartsWith($"Azure Blob read of 'runs/r1/run.json' failed after {1 + AzureBlobObjectStore.MaxRetries} attempts: the service at 127.0.0.1:{own.Port} did not answer",
            error.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", error.Message, StringComparison.Ordinal);
        await own.StartAsync();
        Assert.Equal("{}", Encoding.UTF8.GetString((await store.ReadAsync("runs/r1/run.json"))!.Content.Span));
    }

    [Fact]
    public async Task A_service_that_answers_503_is_retried_then_reported_with_status_and_error_code()
    {
        using var busy = new BusyHandler();
        var store = await azurite.StoreThroughAsync(busy, "busy");
        busy.Busy = true;

        var error = await Assert.ThrowsAsync<IOException>(() => store.WriteAsync("models/m/v1/model.json", "{}"u8.ToArray()));

        Assert.Equal(1 + AzureBlobObjectStore.MaxRetries, busy.Answered503);
        Assert.StartsWith("Azure Blob write of 'models/m/v1/model.json' failed: HTTP 503 ServerBusy", error.Message, StringComparison.Ordinal);
        busy.Busy = false;
        Assert.NotNull(await store.WriteAsync("models/m/v1/model.json", "{}"u8.ToArray()));
    }

    /// <summary>A frozen service (SIGSTOP) accepts connections and never answers: each attempt times out, and the call fails instead of hanging.</summary>
    [Fact]
    public async Task A_hung_service_fails_the_call_after_each_attempt_timed_out_instead_of_hanging_it()
    {
        using var folder = new TemporaryFolder();
        await using var own = await AzuriteProcess.StartAsync(Path.Combine(folder.Path, "azurite"));
        var store = AzureBlobObjectStore.Create(new AzureBlobStoreOptions
        {
            ConnectionString = own.ConnectionString, Container = "hung", CreateContainer = true, NetworkTimeout = TimeSpan.FromSeconds(1),
        });
        await store.WriteAsync("projects/p/active-run", "{}"u8.ToArray());
        await own.FreezeAsync();
        try
        {
            var error = await Assert.ThrowsAsync<IOException>(() => store.GetPropertiesAsync("projects/p/active-run"));

            Assert.StartsWith($"Azure Blob properties of 'projects/p/active-run' failed after {1 + AzureBlobObjectStore.MaxRetries} attempts: the service at 127.0.0.1:{own.Port} did not answer",
                error.Message, StringComparison.Ordinal);
            Assert.Contains("timeout", error.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await own.ThawAsync();
        }

        Assert.NotNull(await store.GetPropertiesAsync("projects/p/active-run"));
    }

    /// <summary>Answers every request with the service's 503 ServerBusy while <see cref="Busy"/>; otherwise passes it to Azurite.</summary>
    private sealed class BusyHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _answered;
        private volatile bool _busy;

        public bool Busy
        {
            get => _busy;
            set => _busy = value;
        }

        public int Answered503 => Volatile.Read(ref _answered);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!Busy) return await base.SendAsync(request, cancellationToken);
            Interlocked.Increment(ref _answered);
            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            {
                RequestMessage = request,
                Content = new StringContent(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code><Message>The server is busy.</Message></Error>", Encoding.UTF8, "application/xml"),
            };
            response.Headers.Add("x-ms-error-code", "ServerBusy");
            return response;
        }
    }
}

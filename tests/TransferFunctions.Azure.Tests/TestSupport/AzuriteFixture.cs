using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using TransferFunctions.Azure.Storage;

namespace TransferFunctions.Azure.Tests.TestSupport;

/// <summary>
/// A real Azurite blob service for the test run: the one installed by <c>./tf setup</c> in tools/azurite, on a free
/// loopback port, with a temporary workspace folder; stopped (and the folder deleted) after the last test.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;
    private string? _workspace;

    private AzuriteProcess Azurite => _azurite ?? throw new InvalidOperationException("Azurite is started in InitializeAsync.");

    public int Port => Azurite.Port;

    /// <summary>How long Azurite took from process start until it accepted connections.</summary>
    public TimeSpan StartupTime => Azurite.StartupTime;

    public string ConnectionString => Azurite.ConnectionString;

    public BlobServiceClient ServiceClient() => Azurite.ServiceClient();

    /// <summary>A new, empty container with a unique name.</summary>
    public async Task<BlobContainerClient> CreateContainerAsync(string purpose)
    {
        var container = ServiceClient().GetBlobContainerClient($"{purpose}-{Guid.NewGuid():N}"[..Math.Min(63, purpose.Length + 33)]);
        await container.CreateAsync();
        return container;
    }

    /// <summary>
    /// A store on <paramref name="container"/> (created if missing) with the store's own client options, whose requests
    /// go through <paramref name="network"/> (a test's fault injector in front of this Azurite).
    /// </summary>
    public async Task<AzureBlobObjectStore> StoreThroughAsync(HttpMessageHandler network, string container, int uploadBlockSize = AzureBlobStoreOptions.DefaultUploadBlockSize)
    {
        var options = AzureBlobObjectStore.ClientOptions(new AzureBlobStoreOptions());
        options.Transport = new HttpClientTransport(new HttpClient(network));
        await ServiceClient().GetBlobContainerClient(container).CreateIfNotExistsAsync();
        return new AzureBlobObjectStore(new BlobServiceClient(ConnectionString, options).GetBlobContainerClient(container), uploadBlockSize);
    }

    public async Task InitializeAsync()
    {
        _workspace = Path.Combine(Path.GetTempPath(), "tf-azurite-" + Guid.NewGuid().ToString("N"));
        _azurite = await AzuriteProcess.StartAsync(_workspace);
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        if (_workspace is not null)
        {
            try
            {
                Directory.Delete(_workspace, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

using Azure.Storage.Blobs;
using TransferFunctions.Azure.Storage;
using TransferFunctions.Azure.Tests.TestSupport;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.Storage;

namespace TransferFunctions.Azure.Tests.Storage;

/// <summary>
/// The filesystem store's contract suite, unchanged, on the Azure Blob store against a real Azurite. Time is real:
/// leases are 3 s (any positive duration is a port lease here, see <see cref="AzureBlobObjectStore"/>) and expire by
/// the service's clock, so the expiry tests wait for them.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobObjectStoreContractTests : ObjectStoreContract, IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private AzureBlobObjectStore? _store;

    public AzureBlobObjectStoreContractTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
    }

    protected override IObjectStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected override TimeSpan LeaseDuration => TimeSpan.FromSeconds(3);

    protected override Task LetTimePassAsync(TimeSpan span) => Task.Delay(span, Ct);

    public async Task InitializeAsync()
    {
        // One container for all contract tests, as in production; each test's keys live under its own Root.
        var container = _azurite.ServiceClient().GetBlobContainerClient("contract");
        await container.CreateIfNotExistsAsync();
        // A small block size makes the 24 MiB stream test take the staged-blocks path (three blocks and a commit).
        _store = new AzureBlobObjectStore(container, uploadBlockSize: 8 * 1024 * 1024);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

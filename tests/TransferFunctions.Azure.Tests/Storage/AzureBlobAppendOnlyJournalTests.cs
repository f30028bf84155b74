using TransferFunctions.Azure.Storage;
using TransferFunctions.Azure.Tests.TestSupport;
using TransferFunctions.Learning;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.Orchestration;

namespace TransferFunctions.Azure.Tests.Storage;

/// <summary>The local runner's append-only journal, unchanged, on the Azure Blob store against a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobAppendOnlyJournalTests(AzuriteFixture azurite) : AppendOnlyJournalContract, IAsyncLifetime
{
    private AzureBlobObjectStore? _store;

    protected override IObjectStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    public async Task InitializeAsync()
    {
        // One container for all of them, as in production; each test's run has an id of its own.
        var container = azurite.ServiceClient().GetBlobContainerClient("journal");
        await container.CreateIfNotExistsAsync();
        _store = new AzureBlobObjectStore(container);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Blob names are flat, so here (unlike on the filesystem) an older version's document and segments can both exist:
    /// the journal is then ambiguous, and reading it fails rather than replaying one of the two.
    /// </summary>
    [Fact]
    public async Task A_run_with_both_an_older_versions_document_and_segments_cannot_be_read()
    {
        var entry = new JournalEntry(0, JournalEntryKind.ClockRead, "clock", DateTimeOffset.UtcNow);
        await Store.WriteJsonAsync(RunKeys.LegacyJournal(RunId), new RunJournal(RunId, [entry]), WriteCondition.CreateOnly, Ct);
        await Store.WriteJsonAsync(RunKeys.JournalSegment(RunId, 0), new RunJournalSegment(RunId, 0, [entry], CodeVersion.Current), WriteCondition.CreateOnly, Ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new OrchestrationClient(Store).GetJournalAsync(RunId, Ct));

        Assert.Contains("both an older version's journal document", error.Message);
    }
}

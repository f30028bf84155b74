using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Orchestration;

/// <summary>The append-only journal on the filesystem store, where a run's segments are plain files in <c>runs/{id}/journal/</c>.</summary>
public sealed class FileSystemAppendOnlyJournalTests : AppendOnlyJournalContract, IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly FileSystemObjectStore _store;

    public FileSystemAppendOnlyJournalTests()
    {
        _store = new FileSystemObjectStore(_folder.Path);
    }

    protected override IObjectStore Store => _store;

    [Fact]
    public async Task A_completed_runs_folder_keeps_its_journal_segments_as_files_people_can_read()
    {
        await new OrchestrationClient(_store).CreateRunAsync(nameof(SquareSumOrchestrator), new SquareSumOrchestrator.Request("2,3"), RunId, Ct);

        await new LocalOrchestrationRunner(_store, SquareSumOrchestrator.Steps()).RunAsync(new SquareSumOrchestrator(), RunId, Ct);

        var folder = Path.Combine(_folder.Path, "runs", RunId, "journal");
        var files = Directory.GetFiles(folder).Select(Path.GetFileName).ToList();
        Assert.Equal((await SegmentsAsync()).Select(s => Path.GetFileName(s.Key)), files.Order(StringComparer.Ordinal));
        Assert.Equal("00000000.json", files.Order(StringComparer.Ordinal).First());
        Assert.Contains("\"name\": \"parse\"", await File.ReadAllTextAsync(Path.Combine(folder, "00000000.json"), Ct));
    }

    public void Dispose() => _folder.Dispose();
}

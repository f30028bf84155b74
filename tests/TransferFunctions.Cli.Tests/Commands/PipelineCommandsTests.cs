using System.Text.Json;
using TransferFunctions.Cli.Tests.TestSupport;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Tests.Commands;

/// <summary>
/// The pipeline commands as a user runs them, in-process on one real store: `adapt --project` (the whole durable pipeline,
/// parking for approval), `runs list|show`, `approve`, `reject`, `models list|show`.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class PipelineCommandsTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    private string Store => Path.Combine(_folder.Path, "store");

    public void Dispose() => _folder.Dispose();

    /// <summary>A batch of real images as a plain folder outside the store (what `adapt --project --data` copies in).</summary>
    private async Task<string> DataFolderAsync(string name, int offset, int holdout = 4)
    {
        var staging = Path.Combine(_folder.Path, "staging-" + name);
        await ServeTestHost.DeliverAsync(staging, "p", name, perClass: 10, offset: offset, holdoutPerClass: holdout);
        return Path.Combine(staging, "datasets", "p", name);
    }

    [Fact]
    public async Task Adapt_project_parks_for_approval_and_runs_approve_reject_and_models_tell_the_story()
    {
        await ObjectStoreJsonExtensions.WriteJsonAsync(new FileSystemObjectStore(Store), ProjectSettings.KeyOf("shoes"),
            new ProjectSettings("fine-tune", ServeTestHost.Steps, Policy: ServeTestHost.Lenient with { RequireApproval = true }), WriteCondition.Always);
        var first = await DataFolderAsync("b1", 0);

        var (code, stdout, stderr) = await CliRun.RunAsync("adapt", "--project", "shoes", "--data", first, "--batch", "b1", "--store", Store);

        Assert.True(code == 0, stderr);
        Assert.Contains("awaiting approval (the run is parked, holding nothing)", stdout);
        var parked = JsonDocument.Parse(CliRun.LastLine(stdout)).RootElement;
        Assert.Equal("WaitingForEvent", parked.GetProperty("status").GetString());
        var runId = parked.GetProperty("run").GetString()!;

        var (listCode, listOut, _) = await CliRun.RunAsync("runs", "list", "--store", Store, "--json");
        Assert.Equal(0, listCode);
        var listed = JsonDocument.Parse(CliRun.LastLine(listOut)).RootElement;
        Assert.Equal(runId, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());
        var (_, table, _) = await CliRun.RunAsync("runs", "list", "--store", Store);
        var rows = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Columns line up whatever the run id's length.
        Assert.Equal(rows[0].IndexOf("STATUS", StringComparison.Ordinal), rows[1].IndexOf("WaitingForEvent", StringComparison.Ordinal));

        var (approveCode, approveOut, approveErr) = await CliRun.RunAsync("approve", runId, "--by", "ana", "--store", Store);
        Assert.True(approveCode == 0, approveErr);
        Assert.Contains($"run {runId}: Completed promoted", approveOut);

        var (showCode, showOut, _) = await CliRun.RunAsync("runs", "show", runId, "--store", Store);
        Assert.Equal(0, showCode);
        Assert.Contains("decision: promote", showOut);
        Assert.Contains("promote", showOut);
        var (modelsCode, modelsOut, _) = await CliRun.RunAsync("models", "list", "--store", Store, "--json");
        Assert.Equal(0, modelsCode);
        var model = Assert.Single(JsonDocument.Parse(CliRun.LastLine(modelsOut)).RootElement.EnumerateArray());
        Assert.Equal("shoes", model.GetProperty("name").GetString());
        Assert.Equal(1, model.GetProperty("champion").GetInt32());

        // A second batch: parked again, then rejected; the champion stays.
        var second = await DataFolderAsync("b2", 10);
        var (_, secondOut, _) = await CliRun.RunAsync("adapt", "--project", "shoes", "--data", second, "--batch", "b2", "--store", Store);
        var secondRun = JsonDocument.Parse(CliRun.LastLine(secondOut)).RootElement.GetProperty("run").GetString()!;
        var (rejectCode, rejectOut, rejectErr) = await CliRun.RunAsync("reject", secondRun, "--by", "bob", "--reason", "labels under review", "--store", Store);
        Assert.True(rejectCode == 0, rejectErr);
        Assert.Contains($"run {secondRun}: Completed rejected — reject: labels under review", rejectOut);
        var (_, modelOut, _) = await CliRun.RunAsync("models", "show", "shoes", "--store", Store);
        Assert.Contains("v1 (champion)", modelOut);
        Assert.DoesNotContain("v2", modelOut);

        var (againCode, _, againErr) = await CliRun.RunAsync("approve", secondRun, "--store", Store);
        Assert.Equal(2, againCode);
        Assert.Contains("is Completed; there is nothing left to approve", againErr);
    }

    [Fact]
    public async Task A_bad_batch_shows_its_structured_issues_in_runs_show()
    {
        // No held-out set: an image folder, one folder per class.
        var data = await DataFolderAsync("b1", 0, holdout: 0);
        var sandal = Directory.GetDirectories(data).First(d => !Path.GetFileName(d).StartsWith('_'));
        await File.WriteAllBytesAsync(Path.Combine(sandal, "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);

        var (code, stdout, _) = await CliRun.RunAsync("adapt", "--project", "shoes", "--data", data, "--batch", "b1", "--store", Store);

        Assert.Equal(0, code);
        var result = JsonDocument.Parse(CliRun.LastLine(stdout)).RootElement;
        Assert.Equal("invalid-data", result.GetProperty("outcome").GetString());
        var runId = result.GetProperty("run").GetString()!;
        var (_, show, _) = await CliRun.RunAsync("runs", "show", runId, "--store", Store);
        Assert.Matches(@"data \[[a-z-]+\] datasets/shoes/b1/.*broken\.png: ", show);
    }
}

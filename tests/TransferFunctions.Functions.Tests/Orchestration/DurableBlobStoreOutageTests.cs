using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using TransferFunctions.Azure.Storage;
using TransferFunctions.Azure.Tests.TestSupport;
using TransferFunctions.Functions.Steps;
using TransferFunctions.Functions.Tests.TestSupport;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Tests.Orchestration;

/// <summary>
/// The Durable engine (the real SDK under the in-process test host) on the Azure Blob store (a real Azurite): the store
/// goes away in the middle of the promote activity, after the version's card is written and before the champion moves,
/// for longer than the store client's retries. The activity fails, Durable's retry policy runs it again once the store is
/// back, and the re-run finds the version its first attempt registered: the run promotes once.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class DurableBlobStoreOutageTests
{
    [Fact]
    public async Task A_promote_activity_cut_off_by_a_storage_outage_is_retried_by_Durable_and_the_run_promotes_once()
    {
        using var folder = new TemporaryFolder();
        await using var azurite = await AzuriteProcess.StartAsync(Path.Combine(folder.Path, "azurite"));
        var blob = AzureBlobObjectStore.Create(new AzureBlobStoreOptions
        {
            ConnectionString = azurite.ConnectionString, Container = "durable", CreateContainer = true, UploadBlockSize = 1024 * 1024,
        });
        var faults = new FaultInjectingObjectStore(blob);
        var restart = Task.CompletedTask;
        faults.AfterWrite(new Regex(@"^models/azfaults/v1/model\.json$", RegexOptions.CultureInvariant), async _ =>
        {
            await azurite.StopAsync();
            restart = Task.Run(async () =>
            {
                // Longer than the store client's retries (about 25 s), shorter than Durable's retry after them.
                await Task.Delay(TimeSpan.FromSeconds(35));
                await azurite.StartAsync();
            });
        });
        StepProbe? probe = null;
        var options = new StepRunnerOptions { MaxAttempts = 3, FirstRetryInterval = TimeSpan.FromSeconds(5), MaxRetryInterval = TimeSpan.FromSeconds(20) };
        await using var app = await DurableTestApp.StartAsync(folder.Path, options, configure: services =>
        {
            services.AddSingleton<IObjectStore>(faults);
            services.AddSingleton<IStepExecutor>(sp => probe = new StepProbe(sp.GetRequiredService<PipelineSteps>().CreateInProcessExecutor()));
        });
        await BlobPipeline.DeliverAsync(blob);

        await app.Service.SubmitAsync(BlobPipeline.Request(), "durable-outage");
        var run = await app.Service.WaitForCompletionAsync("durable-outage", TimeSpan.FromMinutes(10));
        await restart;

        Assert.True(run.Status == RunStatus.Completed, $"the run is {run.Status}: {run.Failure?.Message}");
        var result = BlobPipeline.Result(run);
        Assert.True(result.Outcome == "promoted", $"{result.Outcome}: {string.Join("; ", result.Reasons)}");
        Assert.True(probe!.Started(StepNames.Promote) >= 2, $"promote started {probe.Started(StepNames.Promote)} time(s): the outage should have failed its first attempt");
        Assert.Equal(1, probe.Finished(StepNames.Promote));
        var versions = await app.Steps.Registry.ListVersionsAsync(BlobPipeline.Project);
        Assert.Equal([1], versions.Select(v => v.Version));
        Assert.Equal("durable-outage", versions[0].RunId);
        var champion = (await app.Steps.Registry.GetChampionAsync(BlobPipeline.Project))!.Value;
        Assert.Equal(1, champion.Version);
        Assert.Empty(champion.History);
    }
}

using Azure.Storage.Blobs.Specialized;
using TransferFunctions.Azure.Storage;
using TransferFunctions.Azure.Tests.TestSupport;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Azure.Tests.Faults;

/// <summary>
/// A lease the run holds is broken mid-run by another client through the Blob API (Break Lease on its marker blob, as
/// an operator or a second host can), and that client then takes the lease: long before the lease would expire. The run
/// must stop before promoting, say why, and leave the champion alone; once the other holder lets go it resumes from its
/// journal and promotes exactly once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobLeaseBrokenTests(AzuriteFixture azurite)
{
    private const string RunId = "lease-broken";

    /// <param name="lease"><c>run</c>: the run's own lease (<c>runs/{id}/lease</c>); <c>project</c>: its project's (<c>projects/{p}/active-run</c>).</param>
    /// <param name="reason">What the host logs when it stops.</param>
    [Theory]
    [InlineData("run", "no longer holds the run's lease")]
    [InlineData("project", "lost the lease of project")]
    public async Task A_lease_broken_by_another_client_stops_the_run_before_it_promotes_and_it_promotes_once_after(string lease, string reason)
    {
        var container = $"lease-{lease}-{Guid.NewGuid():N}"[..40];
        // A lease far longer than the run: nothing may expire here, only a break can take it away.
        await using var pipeline = BlobPipeline.Start(azurite.ConnectionString, container, new Dictionary<string, string?> { ["Runner:LeaseDuration"] = "00:05:00" });
        await pipeline.DeliverAsync();
        var key = lease == "run" ? RunKeys.Lease(RunId) : AdaptationService.ProjectLeaseKey(BlobPipeline.Project);
        var other = new AzureBlobObjectStore(azurite.ServiceClient().GetBlobContainerClient(container));
        ObjectLease? taken = null;
        pipeline.Probe.After(StepNames.Evaluate, async _ =>
        {
            // Evaluate's work is done; before the runner journals it and starts promote, the lease is broken and taken.
            var marker = azurite.ServiceClient().GetBlobContainerClient(container).GetBlobClient(AzureBlobObjectStore.LeaseMarkerName(key));
            await marker.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);
            taken = await other.AcquireLeaseAsync(key, TimeSpan.FromMinutes(5), "second host (test)");
        });

        await pipeline.SubmitAsync(RunId);
        // Until the host says it stopped, or (the failure this test is for) the promotion starts regardless.
        await StoreBatches.EventuallyAsync(() => Task.FromResult(pipeline.Logs.Lines.Any(l => l.Contains(reason, StringComparison.Ordinal)) || pipeline.Probe.Started(StepNames.Promote) > 0),
            $"the host logs that it stopped ({reason})", TimeSpan.FromMinutes(5));
        // Give a runner that ignored the break every chance to promote.
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.NotNull(taken);
        Assert.Equal(0, pipeline.Probe.Started(StepNames.Promote));
        Assert.Null(await pipeline.Registry.GetChampionAsync(BlobPipeline.Project));
        Assert.Empty(await pipeline.Registry.ListVersionsAsync(BlobPipeline.Project));
        var stopped = (await pipeline.Service.GetRunAsync(RunId))!;
        Assert.False(stopped.IsTerminal, $"the run should wait for the lease, not end: it is {stopped.Status}");

        Assert.True(await other.ReleaseLeaseAsync(taken!));
        var final = await pipeline.CompletionAsync(RunId);

        await pipeline.ExpectPromotedOnceAsync(final);
        Assert.Equal(1, pipeline.Probe.Finished(StepNames.Evaluate));
        Assert.Equal(1, pipeline.Probe.Started(StepNames.Promote));
    }
}

using System.Text.RegularExpressions;
using TransferFunctions.Azure.Tests.TestSupport;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Tests.TestSupport;
using Xunit.Abstractions;

namespace TransferFunctions.Azure.Tests.Faults;

/// <summary>
/// The storage service goes away mid-run and comes back: a run of the real pipeline on the Blob store, its Azurite
/// process stopped (SIGTERM: the listener closes, nothing answers on the port) between two steps or while a version is
/// being published, and started again after a while on the same data folder and port. Each test has its own Azurite.
/// The bound is the store client's retry budget (five retries, 0.8 s doubling, about 25 s; see
/// <c>AzureBlobObjectStore.ClientOptions</c>): a shorter outage is ridden out inside the calls; a longer one fails the
/// call with an <see cref="IOException"/>, and then either the run resumes from its journal once the store answers
/// again, or the step whose call failed fails the run with the store's error as the reason.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class StorageOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan ShortOutage = TimeSpan.FromSeconds(5);

    /// <summary>Longer than the client's retries (at most 30 s with jitter), short enough that a call started at the outage's end still succeeds.</summary>
    private static readonly TimeSpan LongOutage = TimeSpan.FromSeconds(35);

    private readonly TemporaryFolder _folder = new();
    private AzuriteProcess? _azurite;
    private Task _restart = Task.CompletedTask;

    private AzuriteProcess Azurite => _azurite ?? throw new InvalidOperationException("Azurite is started in InitializeAsync.");

    [GeneratedRegex(@"^models/azfaults/v1/weights\.safetensors$")]
    private static partial Regex FirstWeights();

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartAsync(Path.Combine(_folder.Path, "azurite"));

    public async Task DisposeAsync()
    {
        try
        {
            await _restart;
        }
        finally
        {
            await Azurite.DisposeAsync();
            _folder.Dispose();
        }
    }

    [Fact]
    public async Task An_outage_between_steps_shorter_than_the_clients_retries_is_ridden_out_and_the_run_completes_once()
    {
        await using var pipeline = BlobPipeline.Start(Azurite.ConnectionString, "outage");
        await pipeline.DeliverAsync();
        pipeline.Probe.After(StepNames.Evaluate, _ => OutageAsync(ShortOutage));

        await pipeline.SubmitAsync("outage-between-steps");
        var final = await pipeline.CompletionAsync("outage-between-steps");
        await _restart;

        await pipeline.ExpectPromotedOnceAsync(final);
        Assert.Equal(1, pipeline.Probe.Finished(StepNames.Evaluate));
        Assert.Equal(1, pipeline.Probe.Started(StepNames.Promote));
    }

    [Fact]
    public async Task An_outage_while_a_version_is_published_shorter_than_the_clients_retries_publishes_it_once()
    {
        await using var pipeline = BlobPipeline.Start(Azurite.ConnectionString, "outage");
        await pipeline.DeliverAsync();
        // The weights are up; the card (which makes the version exist) and the champion move meet the outage.
        pipeline.Faults.AfterWrite(FirstWeights(), _ => OutageAsync(ShortOutage));

        await pipeline.SubmitAsync("outage-while-publishing");
        var final = await pipeline.CompletionAsync("outage-while-publishing");
        await _restart;

        Assert.Equal(1, await pipeline.ExpectPromotedOnceAsync(final));
        Assert.Equal(1, pipeline.Probe.Started(StepNames.Promote));
        Assert.Equal(["models/azfaults/v1/claim.json", "models/azfaults/v1/model.json", "models/azfaults/v1/weights.safetensors"],
            (await pipeline.RegistryKeysAsync()).Where(k => k.Contains("/v", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_outage_between_steps_longer_than_the_clients_retries_resumes_the_run_from_its_journal_when_the_store_is_back()
    {
        await using var pipeline = BlobPipeline.Start(Azurite.ConnectionString, "outage");
        await pipeline.DeliverAsync();
        pipeline.Probe.After(StepNames.Evaluate, _ => OutageAsync(LongOutage));

        await pipeline.SubmitAsync("long-outage-between-steps");
        var final = await pipeline.CompletionAsync("long-outage-between-steps");
        await _restart;

        await pipeline.ExpectPromotedOnceAsync(final);
        // Journaling evaluate's result was what failed, so the resumed run evaluated again; nothing after it ran twice.
        Assert.Equal(2, pipeline.Probe.Finished(StepNames.Evaluate));
        Assert.Equal(1, pipeline.Probe.Started(StepNames.Promote));
        Assert.Contains(pipeline.Logs.Lines, l => l.Contains("Run long-outage-between-steps could not go on", StringComparison.Ordinal)
                                                   && l.Contains("did not answer", StringComparison.Ordinal));
    }

    /// <summary>
    /// The card write meets an outage longer than the client's retries. Which store call gives up first decides the path,
    /// and both are checked: the promote step's (the run fails, saying which write failed and why; nothing is visible; a new
    /// run of the batch publishes one whole version) or the runner's own (the run resumes from its journal after the outage
    /// and publishes once, numbered after the abandoned claim).
    /// </summary>
    [Fact]
    public async Task An_outage_while_a_version_is_published_longer_than_the_clients_retries_leaves_no_partial_version_and_exactly_one_is_published()
    {
        await using var pipeline = BlobPipeline.Start(Azurite.ConnectionString, "outage");
        await pipeline.DeliverAsync();
        pipeline.Faults.AfterWrite(FirstWeights(), _ => OutageAsync(LongOutage));

        await pipeline.SubmitAsync("long-outage-while-publishing");
        var first = await pipeline.CompletionAsync("long-outage-while-publishing");
        await _restart;

        int version;
        if (first.Status == RunStatus.Failed)
        {
            var reason = first.Failure!.Message;
            Assert.Contains("Step 'promote' failed with IOException", reason, StringComparison.Ordinal);
            Assert.Contains("models/azfaults/v1/model.json", reason, StringComparison.Ordinal);
            Assert.Contains($"127.0.0.1:{Azurite.Port} did not answer", reason, StringComparison.Ordinal);
            await pipeline.ExpectNothingPublishedAsync();

            await pipeline.SubmitAsync("after-long-outage");
            version = await pipeline.ExpectPromotedOnceAsync(await pipeline.CompletionAsync("after-long-outage"));
            output.WriteLine($"the promote step's call gave up first: the run failed with \"{reason}\"; the next run published v{version}");
        }
        else
        {
            version = await pipeline.ExpectPromotedOnceAsync(first);
            // At least the interrupted promote and the resumed one; on a slow machine a resume can meet the store still down.
            var promotes = pipeline.Probe.Started(StepNames.Promote);
            Assert.True(promotes >= 2, $"promote started {promotes} time(s); the resumed run should have promoted again");
            output.WriteLine($"the runner's own call gave up first: the run resumed from its journal ({promotes} promote starts) and published v{version}");
        }

        // The abandoned publication left its claim and weights, never its card: it is not a version.
        Assert.Equal(2, version);
        var keys = await pipeline.RegistryKeysAsync();
        Assert.Contains("models/azfaults/v1/claim.json", keys);
        Assert.DoesNotContain("models/azfaults/v1/model.json", keys);
    }

    /// <summary>Stops Azurite now (the caller waits until nothing answers) and starts it again on the same folder and port after <paramref name="outage"/>.</summary>
    private async Task OutageAsync(TimeSpan outage)
    {
        await Azurite.StopAsync();
        _restart = Task.Run(async () =>
        {
            await Task.Delay(outage);
            await Azurite.StartAsync();
        });
    }
}

using System.Text.RegularExpressions;
using TransferFunctions.Azure.Tests.TestSupport;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Steps;

namespace TransferFunctions.Azure.Tests.Faults;

/// <summary>
/// A write fails while the registry publishes a version on the Blob store (an I/O error injected at the storage port,
/// after part of a streamed write has gone out): the run fails with that error, no part of the version is visible to the
/// registry or the API, and the next run of the batch publishes exactly one whole version.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PublishInterruptedTests(AzuriteFixture azurite)
{
    /// <summary>
    /// <c>weights</c>: the weights stream breaks after its first 1 MiB block was staged (uncommitted blocks are invisible);
    /// <c>card</c>: the weights are committed and the card, written last, fails.
    /// </summary>
    [Theory]
    [InlineData("weights", @"^models/azfaults/v1/weights\.safetensors$", 1024 * 1024)]
    [InlineData("card", @"^models/azfaults/v1/model\.json$", 0)]
    public async Task A_write_failure_while_publishing_leaves_no_partial_version_and_the_next_run_publishes_once(string failing, string keys, long afterBytes)
    {
        await using var pipeline = BlobPipeline.Start(azurite.ConnectionString, $"publish-{failing}-{Guid.NewGuid():N}"[..40]);
        await pipeline.DeliverAsync();
        pipeline.Faults.FailWrite(new Regex(keys, RegexOptions.CultureInvariant), afterBytes: afterBytes);

        await pipeline.SubmitAsync("publish-interrupted");
        var failed = await pipeline.CompletionAsync("publish-interrupted");

        Assert.Equal(1, pipeline.Faults.Failed);
        Assert.True(failed.Status == RunStatus.Failed, $"the run is {failed.Status}: {failed.Failure?.Message}");
        Assert.Contains($"Step 'promote' failed with IOException: Input/output error (injected) while writing models/azfaults/v1/", failed.Failure!.Message, StringComparison.Ordinal);
        await pipeline.ExpectNothingPublishedAsync();
        // What the failed publication left is its claim (and, when the weights were committed, them): never the card.
        var left = await pipeline.RegistryKeysAsync();
        var expected = failing == "weights"
            ? new[] { "models/azfaults/v1/claim.json" }
            : new[] { "models/azfaults/v1/claim.json", "models/azfaults/v1/weights.safetensors" };
        Assert.Equal(expected, left);
        Assert.Null(await pipeline.Blob.GetPropertiesAsync(ModelKeys.Card(BlobPipeline.Project, 1)));

        await pipeline.SubmitAsync("publish-retried");
        var version = await pipeline.ExpectPromotedOnceAsync(await pipeline.CompletionAsync("publish-retried"));

        Assert.Equal(2, version);
        Assert.Equal(2, pipeline.Probe.Started(StepNames.Promote));
    }
}

using TransferFunctions.Cli.Bench;

namespace TransferFunctions.Cli.Tests.Reliability;

/// <summary>
/// The load scenario, smaller: a real <c>transfer serve</c> process, batches landing in two projects within seconds, a
/// burst of concurrent status requests while runs train. Latency is reported by the bench, not asserted here.
/// </summary>
public sealed class ReliabilityLoadTests
{
    [Fact]
    public async Task Batches_landing_together_all_finish_with_each_projects_promotions_one_at_a_time_and_every_status_request_answered()
    {
        var result = await ReliabilityLoad.RunAsync(new ReliabilityLoadOptions
        {
            Projects = 2,
            Batches = 6,
            ArrivalWindow = TimeSpan.FromSeconds(10),
            StatusRequests = 50,
            Deadline = TimeSpan.FromMinutes(10),
            // Steps in the server's process, to keep ./tf test short: a step process costs its start (seconds on a loaded
            // machine) for every compute step. The bench runs serve's default (compute steps in child processes), and
            // ServeStepIsolationTests and ProcessFaultTests run it in tests.
            Environment = new Dictionary<string, string> { ["TF_Steps__Isolation"] = "in-process" },
        }, CancellationToken.None);

        Assert.Equal(6, result.BatchesDelivered);
        Assert.True(result.RunsLost == 0, "lost: " + string.Join("; ", result.Failures));
        Assert.True(result.RunsCompleted == 6, "not completed: " + string.Join("; ", result.Failures));
        // The lenient gate promotes every run: six versions, one per run, none twice.
        Assert.Equal(6, result.Promotions);
        Assert.Equal(0, result.DuplicateVersions);
        Assert.True(result.PromotionsSerialized, string.Join("; ", result.SerializationViolations));
        Assert.Equal(100, result.StatusRequests);
        Assert.Equal(100, result.StatusAnswered);
        Assert.True(result.RunsTrainingDuringStatus >= 1);
        Assert.True(result.PeakRssMb > 0);
    }
}

using TransferFunctions.Functions.Tests.TestSupport;

namespace TransferFunctions.Functions.Tests.Orchestration;

/// <summary>
/// The core's AdaptModelOrchestrator, unchanged, under Durable Task (real SDK replay, through the app's adapter and
/// functions) gives the same results as the local journaling runner on the same inputs: one scenario list, both engines.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class DurableMatchesLocalTests(TargetBatches batches)
{
    public static TheoryData<string> Scenarios => new(PipelineScenarios.All);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_ends_the_same_under_Durable_as_on_the_local_runner(string scenario)
    {
        Pipeline.Steps.AdaptationResult expected, actual;
        await using (var local = LocalEngine.Start())
        {
            expected = await PipelineScenarios.RunAsync(local, batches, scenario);
        }

        await using (var durable = await DurableEngine.StartAsync())
        {
            actual = await PipelineScenarios.RunAsync(durable, batches, scenario);
        }

        Assert.Equal(expected.Outcome, actual.Outcome);
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.Champion, actual.Champion);
        Assert.Equal(expected.CandidateAccuracy, actual.CandidateAccuracy);
        Assert.Equal(expected.ChampionAccuracy, actual.ChampionAccuracy);
        Assert.Equal(expected.Decision?.Summary, actual.Decision?.Summary);
        Assert.Equal(expected.Reasons, actual.Reasons);
        Assert.Equal(expected.Report, actual.Report);
    }
}

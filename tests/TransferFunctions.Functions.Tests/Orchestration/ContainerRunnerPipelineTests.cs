using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TransferFunctions.Functions.Steps;
using TransferFunctions.Functions.Tests.TestSupport;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Tests.Orchestration;

/// <summary>
/// With <c>Steps:Runner = container-job</c> every step of the real pipeline goes through the container monitor: its
/// input document is written, an "execution" runs what <c>transfer step</c> runs (own store instance, same folder), and
/// the run ends as it does on the local runner.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ContainerRunnerPipelineTests(TargetBatches batches)
{
    [Fact]
    public async Task Pipeline_with_container_steps_ends_as_on_the_local_runner()
    {
        AdaptationResult expected;
        await using (var local = LocalEngine.Start())
        {
            expected = await PipelineScenarios.RunAsync(local, batches, PipelineScenarios.FirstPromotion);
        }

        InProcessJobLauncher? launcher = null;
        var options = new StepRunnerOptions { Runner = StepRunnerKinds.ContainerJob, ContainerPollInterval = TimeSpan.FromMilliseconds(200) };
        ServiceProvider? container = null;
        await using var durable = await DurableEngine.StartAsync(options, root =>
        {
            // The "container": its own composition of the core over the same folder, as `transfer step` builds it.
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Store:Root"] = root }).Build();
            container = new ServiceCollection().AddLogging().AddTransferFunctionsCore(configuration).BuildServiceProvider();
            return launcher = new InProcessJobLauncher(container.GetRequiredService<IObjectStore>(), container.GetRequiredService<IStepExecutor>());
        });
        await using var stepContainer = container;

        var actual = await PipelineScenarios.RunAsync(durable, batches, PipelineScenarios.FirstPromotion);

        Assert.Equal(expected.Outcome, actual.Outcome);
        Assert.Equal(expected.CandidateAccuracy, actual.CandidateAccuracy);
        Assert.Equal(expected.Reasons, actual.Reasons);
        // Every step ran as an execution, but the linear-probe baseline, which the lenient policy does not ask for.
        var ran = StepNames.All.Where(s => s != StepNames.ProbeBaseline).ToArray();
        Assert.Equal(ran.Length, launcher!.Executions);
        var documents = Directory.GetFiles(Path.Combine(durable.StoreRoot, "runs", PipelineScenarios.RunId, "steps")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(ran.Length * 2, documents.Length);
        Assert.Contains("001-validate.input.json", documents);
        Assert.Contains("001-validate.output.json", documents);
    }
}

using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Strategies;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Pipeline.Tests.Steps;

public sealed class CandidateAdaptationTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_model_adapted_from_a_registry_version_names_that_version_in_its_lineage()
    {
        var registry = new ModelRegistry(new FileSystemObjectStore(_folder.Path));
        var bases = new BaseModelResolver(registry, new PipelineOptions());
        using (var shipped = await bases.LoadAsync(PipelineOptions.EmbeddedBase, Ct))
        {
            var (weights, card) = shipped.Serialize();
            await registry.RegisterAsync(card with { Name = "bases" }, weights, Ct);
            await registry.RegisterAsync(card with { Name = "bases" }, weights, Ct);
        }
        var (basePackage, pinned) = await bases.ResolveAsync("bases:v2", Ct);
        using var _ = basePackage;
        torch.manual_seed(1);
        using var inputs = randn(8, 1, 28, 28);
        using var labels = tensor(new long[] { 0, 1, 0, 1, 0, 1, 0, 1 });
        var context = new AdaptationContext
        {
            Base = basePackage,
            Data = new TargetData { TrainInputs = inputs, TrainLabels = labels, Labels = ["a", "b"] },
            Budget = new AdaptationBudget { Steps = 2, BatchSize = 4, ValidationRounds = 1 },
        };

        using var outcome = await CandidateAdaptation.RunAsync("linear-probe", context, cancellationToken: Ct);

        Assert.Equal("bases:v2", pinned);
        Assert.Equal(new BaseModelReference("bases", 2, basePackage.Card.WeightsDigest, basePackage.Card.License), outcome.Model.Card.BaseModel);
        Assert.StartsWith("sha256:", outcome.Model.Card.BaseModel!.WeightsDigest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_adapted_from_the_shipped_base_has_no_registry_version_in_its_lineage()
    {
        var bases = new BaseModelResolver(new ModelRegistry(new FileSystemObjectStore(_folder.Path)), new PipelineOptions());
        using var basePackage = await bases.LoadAsync(PipelineOptions.EmbeddedBase, Ct);
        using var inputs = zeros(4, 1, 28, 28);
        using var labels = tensor(new long[] { 0, 1, 0, 1 });
        var context = new AdaptationContext
        {
            Base = basePackage,
            Data = new TargetData { TrainInputs = inputs, TrainLabels = labels, Labels = ["a", "b"] },
            Budget = new AdaptationBudget { Steps = 1, BatchSize = 4, ValidationRounds = 1 },
        };

        using var outcome = await CandidateAdaptation.RunAsync("linear-probe", context, cancellationToken: Ct);

        Assert.Equal(("fashion-compact-base", (int?)null), (outcome.Model.Card.BaseModel!.Name, outcome.Model.Card.BaseModel.Version));
    }

    [Fact]
    public async Task An_unknown_strategy_is_refused_by_name()
    {
        var bases = new BaseModelResolver(new ModelRegistry(new FileSystemObjectStore(_folder.Path)), new PipelineOptions());
        using var basePackage = await bases.LoadAsync(PipelineOptions.EmbeddedBase, Ct);
        using var inputs = zeros(2, 1, 28, 28);
        using var labels = tensor(new long[] { 0, 1 });
        var context = new AdaptationContext { Base = basePackage, Data = new TargetData { TrainInputs = inputs, TrainLabels = labels, Labels = ["a", "b"] } };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => CandidateAdaptation.RunAsync("no-such-strategy", context, cancellationToken: Ct));

        Assert.Contains("no-such-strategy", error.Message);
    }
}

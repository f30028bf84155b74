using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Strategies;
using TransferFunctions.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace TransferFunctions.Learning.Tests.Strategies;

public sealed class BuildingBlockTests
{
    [Fact]
    public void AdaBN_sets_running_statistics_to_the_average_of_batch_statistics()
    {
        torch.manual_seed(11);
        using var model = new ResNet(ResNetSpec.Compact(1), 3);
        using var inputs = torch.randn(300, 1, 8, 8).mul(2).add(3).DetachFromDisposeScope();

        var layers = BatchNormStatistics.Reestimate(model, inputs);

        // bn1 normalizes conv1's output: by hand, the per-channel mean over each batch of 128 (the last batch is 44),
        // averaged over the three batches, and likewise the unbiased per-channel variance.
        var bn1 = model.named_modules().Single(m => m.name == "bn1").module as BatchNorm2d;
        var conv1 = model.named_modules().Single(m => m.name == "conv1").module as TorchSharp.Modules.Conv2d;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var means = new List<Tensor>();
        var variances = new List<Tensor>();
        foreach (var (start, end) in new[] { (0L, 128L), (128L, 256L), (256L, 300L) })
        {
            var y = conv1!.forward(inputs.slice(0, start, end, 1)).permute(1, 0, 2, 3).flatten(1);
            means.Add(y.mean(new long[] { 1 }));
            variances.Add(y.var(1));
        }
        var expectedMean = stack(means).mean(new long[] { 0 });
        var expectedVar = stack(variances).mean(new long[] { 0 });
        Assert.Equal(model.named_modules().Count(m => m.module is BatchNorm2d), layers);
        Assert.True(bn1!.running_mean!.allclose(expectedMean, rtol: 1e-4, atol: 1e-4), "running mean = average batch mean");
        Assert.True(bn1.running_var!.allclose(expectedVar, rtol: 1e-3, atol: 1e-4), "running variance = average unbiased batch variance");
    }

    [Fact]
    public void Coral_loss_matches_the_hand_computed_covariance_distance()
    {
        // Source rows (0,0), (2,0): covariance [[2,0],[0,0]]. Target rows (0,0), (0,2): [[0,0],[0,2]].
        using var source = torch.tensor(new float[] { 0, 0, 2, 0 }, new long[] { 2, 2 });
        using var target = torch.tensor(new float[] { 0, 0, 0, 2 }, new long[] { 2, 2 });

        var loss = FeatureAlignment.Coral(source, target).item<float>();

        // ‖C_s − C_t‖²_F = 2² + 2² = 8, divided by 4·d² = 16.
        Assert.Equal(0.5, loss, 6);
        Assert.Equal(0, FeatureAlignment.Coral(source, source).item<float>(), 9);
    }

    [Fact]
    public void Mmd_loss_is_zero_for_identical_batches_and_grows_with_the_shift()
    {
        torch.manual_seed(3);
        using var a = torch.randn(64, 4).DetachFromDisposeScope();
        using var near = a.add(0.1).DetachFromDisposeScope();
        using var far = a.add(3).DetachFromDisposeScope();

        Assert.Equal(0, FeatureAlignment.Mmd(a, a).item<float>(), 6);
        Assert.True(FeatureAlignment.Mmd(a, far).item<float>() > FeatureAlignment.Mmd(a, near).item<float>() * 10);
    }

    [Fact]
    public void Step_budget_source_yields_fixed_rounds_and_continues_through_data_epochs()
    {
        using var x = torch.arange(0, 5, dtype: ScalarType.Float32).view(5, 1).DetachFromDisposeScope();
        using var y = torch.arange(0, 5, dtype: ScalarType.Int64).DetachFromDisposeScope();
        using var source = new StepBudgetBatchSource(new TensorBatchSource(x, y, batchSize: 2), stepsPerRound: 4);

        var first = source.Batches(1).Select(b => b.Targets.data<long>().ToArray()).ToList();
        var second = source.Batches(2).Select(b => b.Targets.data<long>().ToArray()).ToList();

        Assert.Equal(4, ((IBatchSource)source).BatchesPerEpoch);
        Assert.Equal([[0, 1], [2, 3], [4], [0, 1]], first);
        Assert.Equal([[2, 3], [4], [0, 1], [2, 3]], second);
    }

    [Fact]
    public void Discriminative_rates_decay_from_the_head_toward_the_input_and_freeze_the_rest()
    {
        using var model = new ResNet(ResNetSpec.Compact(1), 3, new Dictionary<string, int> { ["source"] = 2 });

        var groups = DiscriminativeLearningRates.Build(model, trainableStages: 2, learningRate: 1e-3, decay: 0.5, weightDecay: 0, headPrefixes: ["fc"]);

        Assert.Equal(["heads", "layer3", "layer2"], groups.Select(g => g.Name).ToArray());
        Assert.Equal([1e-3, 5e-4, 2.5e-4], groups.Select(g => g.LearningRate).ToArray());
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.All(trainable, n => Assert.True(n.StartsWith("fc.") || n.StartsWith("layer3.") || n.StartsWith("layer2."), n));
        Assert.DoesNotContain(trainable, n => n.StartsWith("heads.source"));
        Assert.Equal(groups.Sum(g => g.Parameters.Count()), trainable.Count);
    }

    [Fact]
    public void L2SP_penalty_is_half_alpha_times_the_squared_distance_to_the_start()
    {
        using var model = new ResNet(ResNetSpec.Compact(1), 3);
        using var penalty = new L2SpPenalty(model, alpha: 0.2);
        var conv1 = model.named_parameters().Single(p => p.name == "conv1.weight").parameter;
        using (no_grad()) conv1.add_(0.5);

        var value = penalty.Compute().item<float>();

        // Only conv1.weight moved, each of its 32·1·3·3 = 288 elements by 0.5: 0.2/2 · 288 · 0.25.
        Assert.Equal(0.1 * 288 * 0.25, value, 4);
    }
}

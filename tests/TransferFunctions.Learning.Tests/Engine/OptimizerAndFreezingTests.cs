using TorchSharp;
using TorchSharp.Modules;
using TransferFunctions.Learning.Engine;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Training;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Tests.Engine;

[Collection(EngineCollection.Name)]
public sealed class OptimizerAndFreezingTests
{
    [Fact]
    public void Our_adamw_defaults_to_pytorchs_weight_decay_not_torchsharps_zero()
    {
        // TorchSharp's AdamW (and its ParamGroup constructor) default to weight_decay = 0; PyTorch's AdamW to 1e-2.
        using var p = new Parameter(ones(1));
        var group = ParameterGroups.Group([p], learningRate: 0.1);
        Assert.Equal(ParameterGroups.DefaultWeightDecay, group.WeightDecay);
        using var adamw = ParameterGroups.AdamW([group]);
        using (var scope = NewDisposeScope())
        {
            p.mul(3).sum().backward();
            adamw.step();
        }
        Assert.Equal(1 * (1 - 0.1 * 1e-2) - 0.1, p.data<float>()[0], 6);
    }

    [Fact]
    public void Parameter_groups_follow_the_decoupled_adamw_update_with_their_own_rates_and_decay()
    {
        using var a = new Parameter(tensor(new[] { 1f, -2f }));
        using var b = new Parameter(tensor(new[] { 3f }));
        using var adamw = ParameterGroups.AdamW([ParameterGroups.Group([a], 0.1, 0.5, "a"), ParameterGroups.Group([b], 0.01, 0, "b")]);
        using (var scope = NewDisposeScope())
        {
            a.mul(tensor(new[] { 2f, 3f })).sum().add(b.mul(4).sum()).backward();
            adamw.step();
        }
        // First step: m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε) = lr·sign(g), after p ← p·(1 − lr·wd).
        var av = a.data<float>().ToArray();
        Assert.Equal(1 * (1 - 0.1 * 0.5) - 0.1, av[0], 5);
        Assert.Equal(-2 * (1 - 0.1 * 0.5) - 0.1, av[1], 5);
        Assert.Equal(3 - 0.01, b.data<float>()[0], 5);
    }

    [Fact]
    public void A_parameter_frozen_after_training_gets_no_weight_decay_or_momentum_from_the_loop()
    {
        // TorchSharp's Optimizer.zero_grad zeroes gradients; a zero gradient still gets AdamW's decay and momentum.
        // The loop clears them to none, so a frozen parameter stays exactly where it is.
        manual_seed(4);
        using var model = new ResNet(ResNetSpec.Compact(1), 2);
        using var x = randn(8, 1, 8, 8).DetachFromDisposeScope();
        using var y = tensor(new long[] { 0, 1, 0, 1, 0, 1, 0, 1 });
        using var adamw = ParameterGroups.AdamW([ParameterGroups.Group(model.parameters(), 1e-2, 0.1)]);
        var loop = new TrainingLoop(model, adamw, new TrainingOptions { Epochs = 1 });
        loop.Fit(new TensorBatchSource(x, y, 8));
        var frozen = model.named_parameters().Where(p => p.name.StartsWith("layer1.", StringComparison.Ordinal)).Select(p => p.parameter).ToList();
        Assert.Equal(frozen.Count, model.Freeze("layer1"));
        var before = frozen.Select(p => p.detach().clone().DetachFromDisposeScope()).ToList();
        loop.Fit(new TensorBatchSource(x, y, 8));
        for (var i = 0; i < frozen.Count; i++)
        {
            Assert.True(frozen[i].eq(before[i]).all().item<bool>(), $"frozen parameter {i} moved");
            before[i].Dispose();
        }
        Assert.False(model.named_parameters().Single(p => p.name == "layer2.0.conv1.weight").parameter.grad is null, "unfrozen parameters still train");
    }

    [Fact]
    public void Freeze_by_prefix_matches_whole_name_segments_only()
    {
        using var model = new ResNet(ResNetSpec.Compact(1), 2, new Dictionary<string, int> { ["source"] = 3 });
        Assert.Equal(2, model.Freeze("fc"));
        Assert.Equal(2, model.Freeze("heads.source"));
        Assert.Equal(0, model.Freeze("layer"));
        Assert.True(ModuleExtensions.IsUnder("layer1.0.conv1.weight", "layer1"));
        Assert.False(ModuleExtensions.IsUnder("layer10.0.conv1.weight", "layer1"));
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.DoesNotContain(trainable, n => n.StartsWith("fc.") || n.StartsWith("heads."));
        Assert.Equal(model.ParameterCount() - model.ParameterCount(trainableOnly: true), model.ParametersUnder("fc").Concat(model.ParametersUnder("heads")).Sum(p => p.numel()));
    }

    [Fact]
    public void Resnet_parameters_carry_torchvision_names_in_registration_order()
    {
        using var model = new ResNet(ResNetSpec.ResNet18(3), 10);
        var names = model.named_parameters().Select(p => p.name).ToList();
        Assert.Equal("conv1.weight", names[0]);
        Assert.Equal(["bn1.weight", "bn1.bias"], names[1..3]);
        Assert.Contains("layer1.0.conv1.weight", names);
        Assert.Contains("layer2.0.downsample.0.weight", names);
        Assert.Contains("layer4.1.bn2.bias", names);
        Assert.Equal(["fc.weight", "fc.bias"], names[^2..]);
        // torchvision's resnet18 has 11,689,512 parameters with 1000 classes; its fc is 513,000 of them, 5,130 with 10.
        Assert.Equal(11_181_642, model.ParameterCount());
    }

    [Fact]
    public void Loading_a_state_dict_with_a_wrong_shape_names_the_key_and_changes_nothing()
    {
        using var model = new ResNet(ResNetSpec.Compact(1), 3);
        using var other = new ResNet(ResNetSpec.Compact(1), 4);
        var before = model.state_dict()["conv1.weight"].clone();
        var e = Assert.Throws<InvalidDataException>(() => model.LoadStateDictChecked(other.state_dict()));
        Assert.Contains("'fc.weight': the module expects shape [3, 128] but the state dict has [4, 128]", e.Message);
        Assert.True(model.state_dict()["conv1.weight"].eq(before).all().item<bool>());
        var partial = other.state_dict().Where(kv => !kv.Key.StartsWith("fc.")).ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Contains("missing [fc.weight, fc.bias]", Assert.Throws<InvalidDataException>(() => model.LoadStateDictChecked(partial)).Message);
        var (missing, unexpected) = model.LoadStateDictChecked(partial, strict: false);
        Assert.Equal(["fc.weight", "fc.bias"], missing);
        Assert.Empty(unexpected);
        Assert.True(model.state_dict()["conv1.weight"].eq(other.state_dict()["conv1.weight"]).all().item<bool>());
    }
}

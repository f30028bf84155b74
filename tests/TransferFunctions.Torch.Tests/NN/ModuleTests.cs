using TransferFunctions.Torch.NN;
using TransferFunctions.Torch.Serialization;
using TransferFunctions.Torch.Tests.Support;

namespace TransferFunctions.Torch.Tests.NN;

public class ModuleTests
{
    // A miniature torchvision ResNet: stem, one stage of two blocks (the second with a downsample), head.
    private static Sequential SmallResNet(long classes = 10) => new(
        ("conv1", new Conv2d(3, 8, 3, padding: 1, bias: false)),
        ("bn1", new BatchNorm2d(8)),
        ("relu", new ReLU()),
        ("layer1", new Sequential(new ResidualBlock(8, 8), new ResidualBlock(8, 16))),
        ("avgpool", new AdaptiveAvgPool2d(1, 1)),
        ("flatten", new Flatten()),
        ("fc", new Linear(16, classes)));

    private static readonly string[] ExpectedParameterNames =
    {
        "conv1.weight", "bn1.weight", "bn1.bias",
        "layer1.0.conv1.weight", "layer1.0.bn1.weight", "layer1.0.bn1.bias",
        "layer1.0.conv2.weight", "layer1.0.bn2.weight", "layer1.0.bn2.bias",
        "layer1.1.conv1.weight", "layer1.1.bn1.weight", "layer1.1.bn1.bias",
        "layer1.1.conv2.weight", "layer1.1.bn2.weight", "layer1.1.bn2.bias",
        "layer1.1.downsample.0.weight", "layer1.1.downsample.1.weight", "layer1.1.downsample.1.bias",
        "fc.weight", "fc.bias",
    };

    [Fact]
    public void Named_parameters_follow_registration_order_with_torchvision_names()
    {
        using var model = SmallResNet();
        Assert.Equal(ExpectedParameterNames, model.NamedParameters().Select(p => p.Name));
        Assert.Equal(new long[] { 8, 8, 3, 3 }, model.NamedParameters().Single(p => p.Name == "layer1.0.conv1.weight").Parameter.Shape);
        Assert.Equal(new long[] { 16, 8, 1, 1 }, model.NamedParameters().Single(p => p.Name == "layer1.1.downsample.0.weight").Parameter.Shape);
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad && p.IsLeaf));
    }

    [Fact]
    public void Named_buffers_hold_batch_norm_running_stats_under_their_module_names()
    {
        using var model = SmallResNet();
        var names = model.NamedBuffers().Select(b => b.Name).ToList();
        Assert.Equal(new[] { "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked" }, names.Take(3));
        Assert.Contains("layer1.1.downsample.1.running_var", names);
        Assert.Equal(6 * 3, names.Count); // six batch norms, three buffers each
        Assert.Equal(new[] { "", "conv1", "bn1", "relu", "layer1", "layer1.0", "layer1.0.conv1" }, model.NamedModules().Select(m => m.Name).Take(7));
    }

    [Fact]
    public void Parameter_count_sums_elements_and_respects_freezing()
    {
        using var model = SmallResNet();
        // stem 3·8·9 + 2·8; block(8→8) 2·(8·8·9 + 2·8); block(8→16) 8·16·9 + 16·16·9 + 8·16 + 3·2·16; fc 16·10 + 10
        const long expected = 216 + 16 + 2 * (576 + 16) + (1152 + 2304 + 128 + 96) + 170;
        Assert.Equal(expected, model.ParameterCount());
        model.Freeze();
        Assert.Equal(0, model.ParameterCount(trainableOnly: true));
        model.Unfreeze("fc");
        Assert.Equal(170, model.ParameterCount(trainableOnly: true));
    }

    [Fact]
    public void Freeze_by_prefix_matches_whole_name_segments_only()
    {
        using var model = SmallResNet();
        Assert.Equal(2, model.Freeze("bn1")); // the stem's bn1, not layer1.*.bn1
        Assert.False(model.NamedParameters().Single(p => p.Name == "bn1.weight").Parameter.RequiresGrad);
        Assert.True(model.NamedParameters().Single(p => p.Name == "layer1.0.bn1.weight").Parameter.RequiresGrad);
        Assert.Equal(15, model.Freeze("layer1"));
        Assert.Equal(9, model.Unfreeze("layer1.1."));
        var trainable = model.NamedParameters().Where(p => p.Parameter.RequiresGrad).Select(p => p.Name).ToList();
        Assert.Equal(new[] { "conv1.weight" }.Concat(ExpectedParameterNames.Where(n => n.StartsWith("layer1.1.", StringComparison.Ordinal))).Concat(new[] { "fc.weight", "fc.bias" }), trainable);
        Assert.Equal(0, model.Freeze("nothing"));
    }

    [Fact]
    public void Frozen_parameters_get_no_gradient()
    {
        using var model = SmallResNet();
        model.Freeze("layer1");
        using var scope = torch.NewDisposeScope();
        model.Forward(torch.Randn(new long[] { 2, 3, 6, 6 })).Sum().Backward();
        foreach (var (name, p) in model.NamedParameters())
            Assert.True(name.StartsWith("layer1", StringComparison.Ordinal) == (p.Grad is null), $"{name}: frozen={!p.RequiresGrad}, has grad={p.Grad is not null}");
    }

    [Fact]
    public void Train_and_eval_propagate_to_every_submodule()
    {
        using var model = SmallResNet();
        Assert.All(model.NamedModules(), m => Assert.True(m.Module.Training, m.Name));
        model.Eval();
        Assert.All(model.NamedModules(), m => Assert.False(m.Module.Training, m.Name));
        model.Train();
        Assert.All(model.NamedModules(), m => Assert.True(m.Module.Training, m.Name));
    }

    [Fact]
    public void Batch_norm_module_updates_running_stats_only_in_training()
    {
        using var bn = new BatchNorm2d(2, momentum: 0.5);
        using var scope = torch.NewDisposeScope();
        // Channel 0 holds 1..4 (mean 2.5, unbiased var 5/3); channel 1 is constant 7.
        var x = torch.FromArray(new float[] { 1, 2, 3, 4, 7, 7, 7, 7 }, 1, 2, 2, 2);
        bn.Forward(x);
        Check.Close(new[] { 1.25, 3.5 }, bn.RunningMean!.ToArray<float>(), 1e-6, 1e-7, "running mean");
        Check.Close(new[] { 0.5 + 0.5 * 5.0 / 3, 0.5 }, bn.RunningVar!.ToArray<float>(), 1e-6, 1e-7, "running var");
        Assert.Equal(1, bn.NamedBuffers().Single(b => b.Name == "num_batches_tracked").Buffer.ItemLong());
        bn.Eval();
        var y = bn.Forward(x).ToArray<float>();
        Assert.Equal((1 - 1.25) / Math.Sqrt(0.5 + 0.5 * 5.0 / 3 + 1e-5), y[0], 5);
        Check.Close(new[] { 1.25, 3.5 }, bn.RunningMean!.ToArray<float>(), 1e-6, 1e-7, "running mean after eval");
        Assert.Equal(1, bn.NamedBuffers().Single(b => b.Name == "num_batches_tracked").Buffer.ItemLong());
    }

    [Fact]
    public void Dropout_module_is_active_only_in_training()
    {
        using var dropout = new Dropout(0.5);
        using var scope = torch.NewDisposeScope();
        var x = torch.Ones(new long[] { 1000 });
        Assert.Contains(0f, dropout.Forward(x).ToArray<float>());
        dropout.Eval();
        Assert.All(dropout.Forward(x).ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void State_dict_round_trip_reproduces_the_model_exactly()
    {
        torch.ManualSeed(1);
        using var source = SmallResNet();
        using var scope = torch.NewDisposeScope();
        source.Forward(torch.Randn(new long[] { 4, 3, 5, 5 })); // moves the running stats away from their defaults
        torch.ManualSeed(2);
        using var target = SmallResNet();
        var input = torch.Randn(new long[] { 2, 3, 5, 5 });
        source.Eval();
        target.Eval();
        Assert.False(source.Forward(input).AllClose(target.Forward(input)));

        var result = target.LoadStateDict(source.StateDict());
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(source.Forward(input).ToArray<float>(), target.Forward(input).ToArray<float>());
        foreach (var (name, tensor) in source.StateDict())
            Assert.True(tensor.Eq(target.StateDict()[name]).All().Item() == 1, name);
    }

    [Fact]
    public void State_dict_survives_a_safetensors_file()
    {
        torch.ManualSeed(3);
        using var source = SmallResNet();
        using var target = SmallResNet();
        using var dir = new TempDirectory();
        Safetensors.Save(dir.File("weights.safetensors"), source.StateDict());
        using (var file = Safetensors.Load(dir.File("weights.safetensors")))
            target.LoadStateDict(file.Tensors);
        using var scope = torch.NewDisposeScope();
        source.Eval();
        target.Eval();
        var input = torch.Randn(new long[] { 1, 3, 4, 4 });
        Assert.Equal(source.Forward(input).ToArray<float>(), target.Forward(input).ToArray<float>());
    }

    [Fact]
    public void Loading_a_state_dict_with_a_wrong_shape_names_the_key_and_changes_nothing()
    {
        using var source = SmallResNet(classes: 5);
        using var target = SmallResNet(classes: 10);
        using var scope = torch.NewDisposeScope();
        var before = target.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        var e = Assert.Throws<TorchException>(() => target.LoadStateDict(source.StateDict()));
        Assert.Contains("'fc.weight'", e.Message);
        Assert.Contains("[10, 16]", e.Message);
        Assert.Contains("[5, 16]", e.Message);
        foreach (var (name, tensor) in target.StateDict())
            Assert.True(tensor.Eq(before[name]).All().Item() == 1, $"{name} was modified by a failed load");
    }

    [Fact]
    public void Strict_load_reports_missing_and_unexpected_keys_and_lenient_load_lists_them()
    {
        using var model = new Sequential(("fc", new Linear(2, 2)));
        using var scope = torch.NewDisposeScope();
        var state = new Dictionary<string, Tensor>
        {
            ["fc.weight"] = torch.Ones(new long[] { 2, 2 }),
            ["head.bias"] = torch.Zeros(new long[] { 2 }),
        };
        var e = Assert.Throws<TorchException>(() => model.LoadStateDict(state));
        Assert.Contains("missing [fc.bias]", e.Message);
        Assert.Contains("unexpected [head.bias]", e.Message);
        var result = model.LoadStateDict(state, strict: false);
        Assert.Equal(new[] { "fc.bias" }, result.MissingKeys);
        Assert.Equal(new[] { "head.bias" }, result.UnexpectedKeys);
        Assert.All(((Linear)model[0]).Weight.ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void State_dict_load_converts_dtype()
    {
        using var model = new Linear(2, 1);
        using var scope = torch.NewDisposeScope();
        model.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight"] = torch.FromArray(new double[] { 0.5, -2 }, 1, 2),
            ["bias"] = torch.FromArray(new long[] { 3 }),
        });
        Assert.Equal(ScalarType.Float32, model.Weight.DType);
        Assert.Equal(new float[] { 0.5f - 4 + 3 }, model.Forward(torch.FromArray(new float[] { 1, 2 }, 1, 2)).ToArray<float>());
    }

    [Fact]
    public void Sequential_runs_layers_in_order_and_linear_computes_x_w_transposed_plus_b()
    {
        using var linear = new Linear(3, 2);
        using var model = new Sequential(linear, new ReLU());
        using var scope = torch.NewDisposeScope();
        model.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["0.weight"] = torch.FromArray(new float[] { 1, 2, 3, -1, -1, -1 }, 2, 3),
            ["0.bias"] = torch.FromArray(new float[] { 0.5f, 1 }),
        });
        var y = model.Forward(torch.FromArray(new float[] { 1, 1, 1, 2, 0, 0 }, 2, 3));
        Assert.Equal(new float[] { 6.5f, 0, 2.5f, 0 }, y.ToArray<float>());
    }

    [Fact]
    public void Sequential_forward_without_a_scope_returns_a_live_result()
    {
        using var model = new Sequential(new Linear(4, 4), new ReLU(), new Linear(4, 2), new Identity());
        using var x = torch.Ones(new long[] { 3, 4 });
        using var y = model.Forward(x);
        Assert.False(x.IsDisposed);
        Assert.Equal(new long[] { 3, 2 }, y.Shape);
    }

    [Fact]
    public void Kaiming_and_xavier_initializers_have_the_published_statistics()
    {
        using var scope = torch.NewDisposeScope();
        torch.ManualSeed(11);
        // Weight [out=256, in=128, 3, 3]: fan_in = 1152, fan_out = 2304.
        var w = torch.Empty(new long[] { 256, 128, 3, 3 }, ScalarType.Float64);
        Assert.Equal((1152L, 2304L), Init.Fans(w));

        var bound = Math.Sqrt(2) * Math.Sqrt(3.0 / 1152);
        Init.KaimingUniform(w, nonlinearity: "relu");
        Assert.InRange(w.Max().Item(), 0.99 * bound, bound);
        Assert.InRange(w.Min().Item(), -bound, -0.99 * bound);
        Assert.InRange(w.Std().Item(), 0.99 * bound / Math.Sqrt(3), 1.01 * bound / Math.Sqrt(3));

        Init.KaimingNormal(w, fanIn: false, nonlinearity: "relu");
        var std = Math.Sqrt(2.0 / 2304);
        Assert.InRange(w.Std().Item(), 0.99 * std, 1.01 * std);
        Assert.InRange(w.Mean().Item(), -0.01 * std, 0.01 * std);

        var xavierBound = Math.Sqrt(6.0 / (1152 + 2304));
        Init.XavierUniform(w);
        Assert.InRange(w.Max().Item(), 0.99 * xavierBound, xavierBound);
        Init.XavierNormal(w, gain: 2);
        var xavierStd = 2 * Math.Sqrt(2.0 / (1152 + 2304));
        Assert.InRange(w.Std().Item(), 0.99 * xavierStd, 1.01 * xavierStd);

        Init.Constant(w, 0.25);
        Assert.Equal(0.25, w.Min().Item());
        Assert.Equal(0.25, w.Max().Item());
    }

    [Fact]
    public void Default_layer_initialization_is_uniform_within_one_over_root_fan_in()
    {
        torch.ManualSeed(12);
        using var scope = torch.NewDisposeScope();
        using var linear = new Linear(400, 300);
        using var conv = new Conv2d(16, 32, 3, groups: 2);
        var linearBound = 1 / Math.Sqrt(400);
        Assert.InRange(linear.Weight.Max().Item(), 0.99 * linearBound, linearBound);
        Assert.InRange(linear.Bias!.Min().Item(), -linearBound, -0.9 * linearBound);
        var convBound = 1 / Math.Sqrt(8 * 9); // fan_in per group
        Assert.Equal(new long[] { 32, 8, 3, 3 }, conv.Weight.Shape);
        Assert.InRange(conv.Weight.Max().Item(), 0.99 * convBound, convBound);
        Assert.InRange(conv.Bias!.Max().Item(), 0.5 * convBound, convBound);
    }

    [Fact]
    public void Disposing_a_module_disposes_its_parameters()
    {
        var model = new Sequential(new Linear(2, 2));
        var weight = model.Parameters().First();
        model.Dispose();
        Assert.True(weight.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => weight.Sum());
    }

    [Fact]
    public void Batch_norm_without_running_stats_normalizes_by_the_batch_even_in_eval()
    {
        using var bn = new BatchNorm2d(1, affine: false, trackRunningStats: false);
        Assert.Empty(bn.NamedParameters());
        Assert.Empty(bn.NamedBuffers());
        bn.Eval();
        using var scope = torch.NewDisposeScope();
        var y = bn.Forward(torch.FromArray(new double[] { 1, 3 }, 2, 1, 1, 1)).ToArray<double>();
        Check.Close(new[] { -1 / Math.Sqrt(1 + 1e-5), 1 / Math.Sqrt(1 + 1e-5) }, y, 1e-12, 1e-12);
    }

    [Fact]
    public void Layer_norm_and_conv_modules_compute_what_their_functional_forms_do()
    {
        torch.ManualSeed(13);
        using var norm = new LayerNorm(4);
        using var conv = new Conv2d(2, 4, 3, stride: 2, padding: 1, dilation: 1, groups: 2);
        using var scope = torch.NewDisposeScope();
        var x = torch.Randn(new long[] { 1, 2, 5, 5 });
        Assert.Equal(Functional.Conv2d(x, conv.Weight, conv.Bias, stride: 2, padding: 1, groups: 2).ToArray<float>(), conv.Forward(x).ToArray<float>());
        Assert.Equal(new long[] { 1, 4, 3, 3 }, conv.Forward(x).Shape);
        var rows = torch.Randn(new long[] { 3, 4 });
        Assert.Equal(Functional.LayerNorm(rows, new long[] { 4 }).ToArray<float>(), norm.Forward(rows).ToArray<float>());
    }

    [Fact]
    public void Moving_a_module_to_the_device_it_is_on_keeps_its_parameter_objects()
    {
        using var model = SmallResNet();
        var before = model.Parameters().ToList();
        model.To(Device.CPU);
        Assert.Equal(before, model.Parameters());
        Assert.All(model.Parameters(), p => Assert.False(p.IsDisposed));
    }
}

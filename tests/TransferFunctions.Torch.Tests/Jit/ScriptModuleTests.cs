using TransferFunctions.Torch.Optim;
using TransferFunctions.Torch.Tests.Support;

namespace TransferFunctions.Torch.Tests.Jit;

public class ScriptModuleTests(TorchScriptFixture fixture) : IClassFixture<TorchScriptFixture>
{
    private Tensor Input() => torch.FromArray(fixture.Input, fixture.InputShape);

    [Fact]
    public void Forward_in_eval_mode_reproduces_pytorchs_output()
    {
        using var module = ScriptModule.Load(fixture.ModelPath);
        module.Eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.NoGrad();
        var y = module.Forward(Input());
        Assert.Equal(fixture.OutputShape, y.Shape);
        Check.Close(fixture.Output, y.ToArray<float>(), 1e-5, 1e-5, "scripted output");
    }

    [Fact]
    public void Named_parameters_and_buffers_are_pytorchs()
    {
        using var module = ScriptModule.Load(fixture.ModelPath);
        var parameters = module.NamedParameters();
        var buffers = module.NamedBuffers();
        try
        {
            Assert.Equal(fixture.ParameterNames, parameters.Select(p => p.Name));
            Assert.Equal(fixture.BufferNames, buffers.Select(b => b.Name));
            Assert.All(parameters, p => Assert.True(p.Parameter.RequiresGrad, p.Name));
            Assert.Equal(new long[] { 4, 3, 3, 3 }, parameters[0].Parameter.Shape);
        }
        finally
        {
            foreach (var (_, p) in parameters) p.Dispose();
            foreach (var (_, b) in buffers) b.Dispose();
        }
    }

    [Fact]
    public void Train_and_eval_toggle_the_mode_and_change_batch_norm_behaviour()
    {
        using var module = ScriptModule.Load(fixture.ModelPath);
        Assert.True(module.Training); // saved in training mode by the fixture
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.NoGrad();
        var trainOut = module.Forward(Input());
        module.Eval();
        Assert.False(module.Training);
        var evalOut = module.Forward(Input());
        Assert.False(trainOut.AllClose(evalOut, 1e-3, 1e-3));
        module.Train();
        Assert.True(module.Training);
    }

    [Fact]
    public void Training_from_csharp_lowers_the_loss_updates_the_modules_own_parameters_and_survives_save_and_reload()
    {
        using var module = ScriptModule.Load(fixture.ModelPath);
        module.Train();
        var named = module.NamedParameters();
        using var scope = torch.NewDisposeScope();
        var before = module.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Clone());
        var bufferBefore = module.NamedBuffers().Single(b => b.Name == "bn.running_mean").Buffer.Clone();
        torch.ManualSeed(21);
        var x = Input();
        var target = torch.Randn(fixture.OutputShape);

        var losses = new List<double>();
        using (var adam = new AdamW(named.Select(p => p.Parameter), learningRate: 0.01, weightDecay: 0))
        {
            for (var step = 0; step < 30; step++)
            {
                using var stepScope = torch.NewDisposeScope();
                adam.ZeroGrad();
                var loss = Functional.MseLoss(module.Forward(x), target);
                loss.Backward();
                adam.Step();
                losses.Add(loss.Item());
            }
        }
        Assert.True(losses[^1] < 0.5 * losses[0], $"loss went from {losses[0]} to {losses[^1]}");

        // Fresh handles read from the module itself: the optimizer trained the module, not copies.
        foreach (var (name, p) in module.NamedParameters())
            Assert.False(p.AllClose(before[name], 0, 1e-7), $"{name} did not change");
        Assert.False(module.NamedBuffers().Single(b => b.Name == "bn.running_mean").Buffer.AllClose(bufferBefore), "running mean was not updated in training mode");

        module.Eval();
        Tensor trained;
        using (torch.NoGrad()) trained = module.Forward(x);
        var path = Path.Combine(fixture.Directory, "trained.pt");
        module.Save(path);
        using var reloaded = ScriptModule.Load(path);
        reloaded.Eval();
        using (torch.NoGrad())
            Assert.Equal(trained.ToArray<float>(), reloaded.Forward(x).ToArray<float>());
        using var original = ScriptModule.Load(fixture.ModelPath).Eval();
        using (torch.NoGrad())
            Check.Close(fixture.Output, original.Forward(x).ToArray<float>(), 1e-5, 1e-5, "the original file is untouched");
        foreach (var (_, p) in named) p.Dispose();
    }

    [Fact]
    public void Loading_a_missing_or_corrupt_file_fails_clearly()
    {
        using var dir = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => ScriptModule.Load(dir.File("absent.pt")));
        File.WriteAllText(dir.File("garbage.pt"), "this is not a zip archive");
        var e = Assert.Throws<TorchException>(() => ScriptModule.Load(dir.File("garbage.pt")));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void Forward_with_a_wrong_input_shape_surfaces_libtorchs_message()
    {
        using var module = ScriptModule.Load(fixture.ModelPath);
        using var bad = torch.Zeros(new long[] { 2, 5, 8, 8 });
        var e = Assert.Throws<TorchException>(() => module.Forward(bad));
        Assert.Contains("expected input[2, 5, 8, 8] to have 3 channels", e.Message);
    }

    [Fact]
    public void A_disposed_module_throws_object_disposed()
    {
        var module = ScriptModule.Load(fixture.ModelPath);
        module.Dispose();
        Assert.Throws<ObjectDisposedException>(() => module.Eval());
        module.Dispose();
    }
}

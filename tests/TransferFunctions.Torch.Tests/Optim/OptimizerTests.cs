using TransferFunctions.Torch.NN;
using TransferFunctions.Torch.Optim;
using TransferFunctions.Torch.Serialization;
using TransferFunctions.Torch.Tests.Support;

namespace TransferFunctions.Torch.Tests.Optim;

/// <summary>Optimizer steps against the published update rules, computed by hand in doubles.</summary>
public class OptimizerTests
{
    private static readonly double[] P0 = { 0.5, -1.25, 2.0 };
    private static readonly double[] G1 = { 0.3, -0.7, 0.05 };
    private static readonly double[] G2 = { -0.2, 0.4, 0.9 };

    private static Parameter NewParameter(double[] values) => new(torch.FromArray(values));

    private static void SetGrad(Parameter p, double[] grad)
    {
        using var g = torch.FromArray(grad);
        p.Grad = g;
    }

    [Fact]
    public void Sgd_with_nesterov_momentum_and_weight_decay_follows_pytorchs_rule_over_two_steps()
    {
        const double lr = 0.1, mu = 0.9, wd = 0.01;
        using var p = NewParameter(P0);
        using var sgd = new SGD(new[] { p }, lr, momentum: mu, weightDecay: wd, nesterov: true);

        // PyTorch: d = g + wd·p; b = d on the first step, else μ·b + d; p ← p − lr·(d + μ·b).
        var expected = (double[])P0.Clone();
        var buffer = new double[3];
        var step = 0;
        foreach (var g in new[] { G1, G2 })
        {
            SetGrad(p, g);
            sgd.Step();
            for (var i = 0; i < 3; i++)
            {
                var d = g[i] + wd * expected[i];
                buffer[i] = step == 0 ? d : mu * buffer[i] + d;
                expected[i] -= lr * (d + mu * buffer[i]);
            }
            step++;
            Check.Close(expected, p.ToArray<double>(), 1e-14, 1e-15, $"parameter after step {step}");
        }
        Assert.Equal(2, sgd.StepCount);
    }

    [Fact]
    public void Sgd_with_dampened_heavy_ball_momentum_follows_pytorchs_rule()
    {
        const double lr = 0.05, mu = 0.8, tau = 0.3;
        using var p = NewParameter(P0);
        using var sgd = new SGD(new[] { new ParamGroup(new[] { p }, lr) }, momentum: mu, dampening: tau);
        var expected = (double[])P0.Clone();
        var buffer = new double[3];
        for (var step = 0; step < 2; step++)
        {
            var g = step == 0 ? G1 : G2;
            SetGrad(p, g);
            sgd.Step();
            for (var i = 0; i < 3; i++)
            {
                buffer[i] = step == 0 ? g[i] : mu * buffer[i] + (1 - tau) * g[i];
                expected[i] -= lr * buffer[i];
            }
        }
        Check.Close(expected, p.ToArray<double>(), 1e-14, 1e-15);
    }

    [Fact]
    public void AdamW_follows_the_published_decoupled_update_over_two_steps()
    {
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1;
        using var p = NewParameter(P0);
        using var adam = new AdamW(new[] { p }, lr, wd, b1, b2, eps);

        // Loshchilov & Hutter / PyTorch: p ← p(1 − lr·wd); m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
        // p ← p − lr/(1−β₁ᵗ) · m / (√v / √(1−β₂ᵗ) + ε)
        var expected = (double[])P0.Clone();
        var m = new double[3];
        var v = new double[3];
        for (var t = 1; t <= 2; t++)
        {
            var g = t == 1 ? G1 : G2;
            SetGrad(p, g);
            adam.Step();
            for (var i = 0; i < 3; i++)
            {
                expected[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                var denom = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(b2, t)) + eps;
                expected[i] -= lr / (1 - Math.Pow(b1, t)) * m[i] / denom;
            }
            Check.Close(expected, p.ToArray<double>(), 1e-13, 1e-15, $"parameter after step {t}");
        }
    }

    [Fact]
    public void AdamW_bias_correction_counts_only_the_steps_in_which_a_parameter_had_a_gradient()
    {
        // As PyTorch keeps state['step'] per parameter: a head that first gets a gradient on the third
        // step takes a first step (t = 1), not a third one, so its update is not shrunk tenfold.
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        using var early = NewParameter(P0);
        using var late = NewParameter(P0);
        using var adam = new AdamW(new[] { early, late }, lr, weightDecay: 0, b1, b2, eps);
        SetGrad(early, G1);
        adam.Step();
        SetGrad(early, G2);
        adam.Step();
        SetGrad(late, G2);
        adam.Step();
        var expected = P0.Select((p, i) =>
        {
            var m = (1 - b1) * G2[i];
            var v = (1 - b2) * G2[i] * G2[i];
            return p - lr / (1 - b1) * m / (Math.Sqrt(v) / Math.Sqrt(1 - b2) + eps);
        }).ToArray();
        Check.Close(expected, late.ToArray<double>(), 1e-13, 1e-15, "late parameter after its first step");
        var (state, _) = adam.StateDict();
        Assert.Equal(3, state["state.0.0.step"].ItemLong());
        Assert.Equal(1, state["state.0.1.step"].ItemLong());
    }

    [Fact]
    public void Parameter_groups_use_their_own_learning_rates_and_weight_decay()
    {
        using var a = NewParameter(P0);
        using var b = NewParameter(P0);
        using var sgd = new SGD(new[] { new ParamGroup(new[] { a }, 0.1, name: "head"), new ParamGroup(new[] { b }, 0.001, weightDecay: 0.5, name: "backbone") });
        SetGrad(a, G1);
        SetGrad(b, G1);
        sgd.Step();
        Check.Close(P0.Select((p, i) => p - 0.1 * G1[i]).ToArray(), a.ToArray<double>(), 1e-15, 1e-16, "head");
        Check.Close(P0.Select((p, i) => p - 0.001 * (G1[i] + 0.5 * p)).ToArray(), b.ToArray<double>(), 1e-15, 1e-16, "backbone");
        Assert.Equal(new[] { "head", "backbone" }, sgd.ParamGroups.Select(g => g.Name));
    }

    [Fact]
    public void Learning_rate_changed_between_steps_is_honored()
    {
        using var p = NewParameter(P0);
        using var sgd = new SGD(new[] { p }, learningRate: 0.1);
        SetGrad(p, G1);
        sgd.Step();
        sgd.ParamGroups[0].LearningRate = 0.5;
        SetGrad(p, G2);
        sgd.Step();
        new CosineWithWarmup(totalSteps: 10).Apply(sgd, step: 5); // factor 0.5 of the initial 0.1
        Assert.Equal(0.05, sgd.ParamGroups[0].LearningRate, 15);
        SetGrad(p, G1);
        sgd.Step();
        Check.Close(P0.Select((x, i) => x - 0.1 * G1[i] - 0.5 * G2[i] - 0.05 * G1[i]).ToArray(), p.ToArray<double>(), 1e-14, 1e-15);
    }

    [Fact]
    public void Parameters_without_gradients_are_left_alone()
    {
        using var a = NewParameter(P0);
        using var b = NewParameter(P0);
        using var adam = new AdamW(new[] { a, b }, weightDecay: 0.5);
        SetGrad(a, G1);
        adam.Step();
        Assert.NotEqual(P0, a.ToArray<double>());
        Assert.Equal(P0, b.ToArray<double>());
    }

    [Fact]
    public void Frozen_parameters_are_not_given_to_the_single_group_constructors()
    {
        using var a = NewParameter(P0);
        using var b = new Parameter(torch.FromArray(P0), requiresGrad: false);
        using var adam = new AdamW(new[] { a, b });
        Assert.Equal(new[] { a }, adam.ParamGroups[0].Parameters);
    }

    [Fact]
    public void Zero_grad_clears_gradients_to_none()
    {
        using var p = NewParameter(P0);
        using var sgd = new SGD(new[] { p }, 0.1);
        SetGrad(p, G1);
        sgd.ZeroGrad();
        Assert.Null(p.Grad);
    }

    [Fact]
    public void Clip_grad_norm_rescales_to_the_maximum_and_returns_the_original_norm()
    {
        using var a = NewParameter(new double[] { 0, 0 });
        using var b = NewParameter(new double[] { 0 });
        using var sgd = new SGD(new[] { a, b }, 0.1);
        SetGrad(a, new double[] { 3, 0 });
        SetGrad(b, new double[] { 4 });
        Assert.Equal(5, sgd.ClipGradNorm(1.0), 12);
        using var scope = torch.NewDisposeScope();
        Check.Close(new[] { 0.6, 0 }, a.Grad!.ToArray<double>(), 1e-5, 1e-12);
        Check.Close(new[] { 0.8 }, b.Grad!.ToArray<double>(), 1e-5, 1e-12);
    }

    [Fact]
    public void AdamW_state_saved_and_loaded_into_a_fresh_optimizer_gives_an_identical_next_step()
    {
        using var original = NewParameter(P0);
        using var resumed = NewParameter(P0);
        using var fresh = NewParameter(P0);
        using var adam = new AdamW(new[] { original }, 0.01, 0.1);
        foreach (var g in new[] { G1, G2 })
        {
            SetGrad(original, g);
            adam.Step();
        }
        using (torch.NoGrad())
        {
            resumed.CopyFrom(original);
            fresh.CopyFrom(original);
        }

        var (tensors, metadata) = adam.StateDict();
        Assert.Equal(new[] { "state.0.0.exp_avg", "state.0.0.exp_avg_sq", "state.0.0.step" }, tensors.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(2, tensors["state.0.0.step"].ItemLong());
        using var file = Safetensors.Deserialize(Safetensors.Serialize(tensors, metadata));
        using var restored = new AdamW(new[] { resumed }, 0.5, 0.7); // hyperparameters come from the file
        restored.LoadStateDict(file.Tensors, file.Metadata);
        Assert.Equal(2, restored.StepCount);
        Assert.Equal(0.01, restored.ParamGroups[0].LearningRate);
        using var unrestored = new AdamW(new[] { fresh }, 0.01, 0.1);

        foreach (var p in new[] { original, resumed, fresh }) SetGrad(p, G1);
        adam.Step();
        restored.Step();
        unrestored.Step();
        Assert.Equal(original.ToArray<double>(), resumed.ToArray<double>());
        Assert.NotEqual(original.ToArray<double>(), fresh.ToArray<double>());
    }

    [Fact]
    public void Sgd_momentum_state_saved_and_loaded_continues_the_momentum()
    {
        using var original = NewParameter(P0);
        using var resumed = NewParameter(P0);
        using var sgd = new SGD(new[] { original }, 0.1, momentum: 0.9);
        SetGrad(original, G1);
        sgd.Step();
        using (torch.NoGrad()) resumed.CopyFrom(original);
        var (tensors, metadata) = sgd.StateDict();
        using var restored = new SGD(new[] { resumed }, 0.1, momentum: 0.9);
        restored.LoadStateDict(tensors, metadata);
        SetGrad(original, G2);
        SetGrad(resumed, G2);
        sgd.Step();
        restored.Step();
        Assert.Equal(original.ToArray<double>(), resumed.ToArray<double>());
    }

    [Fact]
    public void Loading_optimizer_state_for_a_parameter_that_does_not_exist_is_refused()
    {
        using var p = NewParameter(P0);
        using var sgd = new SGD(new[] { p }, 0.1, momentum: 0.9);
        using var stray = torch.Zeros(new long[] { 3 }, ScalarType.Float64);
        var e = Assert.Throws<TorchException>(() => sgd.LoadStateDict(
            new Dictionary<string, Tensor> { ["state.0.4.momentum_buffer"] = stray }, new Dictionary<string, string> { ["step"] = "1" }));
        Assert.Contains("state.0.4.momentum_buffer", e.Message);
    }

    [Fact]
    public void Optimizer_trains_a_module_through_autograd()
    {
        torch.ManualSeed(4);
        using var model = new Linear(3, 1);
        using var adam = new AdamW(model.Parameters(), learningRate: 0.05, weightDecay: 0);
        using var x = torch.Randn(new long[] { 64, 3 });
        using var w = torch.FromArray(new float[] { 2, -1, 0.5f }, 3, 1);
        using var y = x.MatMul(w).Add(0.3);
        double first = 0, last = 0;
        for (var step = 0; step < 200; step++)
        {
            using var scope = torch.NewDisposeScope();
            adam.ZeroGrad();
            var loss = Functional.MseLoss(model.Forward(x), y);
            loss.Backward();
            adam.Step();
            if (step == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(last < first * 1e-3, $"loss went from {first} to {last}");
        Check.Close(new[] { 2, -1, 0.5 }, model.Weight.ToArray<float>(), 0, 0.02, "learned weights");
    }
}

using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using TransferFunctions.Learning.Training;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Tests.Engine;

public sealed class ScheduleTests
{
    [Fact]
    public void Cosine_with_warmup_ramps_linearly_then_decays_to_the_floor()
    {
        var s = new CosineWithWarmup(totalSteps: 110, warmupSteps: 10, minFactor: 0.1);
        Assert.Equal(0.1, s.Factor(0), 15);
        Assert.Equal(0.5, s.Factor(4), 15);
        Assert.Equal(1.0, s.Factor(10), 15);
        Assert.Equal(0.55, s.Factor(60), 15);
        Assert.Equal(0.1, s.Factor(110), 15);
        for (var step = 11; step <= 110; step++) Assert.True(s.Factor(step) < s.Factor(step - 1), $"not decreasing at {step}");
        Assert.Throws<ArgumentException>(() => new CosineWithWarmup(totalSteps: 5, warmupSteps: 6));
    }

    [Fact]
    public void One_cycle_matches_pytorchs_OneCycleLR_at_every_step()
    {
        const string code = """
            import json, torch
            p = torch.nn.Parameter(torch.zeros(1))
            opt = torch.optim.SGD([p], lr=0.1)
            sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=57, pct_start=0.25, anneal_strategy='cos', cycle_momentum=False)
            lrs = []
            for i in range(57):
                lrs.append(opt.param_groups[0]['lr'])
                opt.step()
                if i < 56:
                    sched.step()
            print(json.dumps(lrs))
            """;
        var expected = JsonSerializer.Deserialize<double[]>(PythonRunner.Run(code))!;
        var s = new OneCycle(totalSteps: 57, pctStart: 0.25);
        Assert.Equal(57, expected.Length);
        for (var i = 0; i < 57; i++) Assert.True(Math.Abs(expected[i] - 0.1 * s.Factor(i)) <= 1e-12 * Math.Max(1, expected[i]) + 1e-15, $"step {i}: {expected[i]} vs {0.1 * s.Factor(i)}");
    }

    [Fact]
    public void Schedule_apply_scales_each_torchsharp_groups_initial_rate()
    {
        using var a = new Parameter(zeros(1));
        using var b = new Parameter(zeros(1));
        using var adamw = ParameterGroups.AdamW([ParameterGroups.Group([a], 1.0), ParameterGroups.Group([b], 0.01)]);
        new OneCycle(totalSteps: 10).Apply(adamw, 0);
        var groups = adamw.ParamGroups.ToList();
        Assert.Equal(1.0 / 25, groups[0].LearningRate, 15);
        Assert.Equal(0.01 / 25, groups[1].LearningRate, 15);
        Assert.Equal(1.0, groups[0].InitialLearningRate);
    }
}

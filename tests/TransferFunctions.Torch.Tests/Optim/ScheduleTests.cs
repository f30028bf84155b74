using System.Text.Json;
using TransferFunctions.Torch.NN;
using TransferFunctions.Torch.Optim;
using TransferFunctions.Torch.Tests.Support;

namespace TransferFunctions.Torch.Tests.Optim;

public class ScheduleTests
{
    [Fact]
    public void Cosine_with_warmup_ramps_linearly_then_decays_to_the_floor()
    {
        var s = new CosineWithWarmup(totalSteps: 110, warmupSteps: 10, minFactor: 0.1);
        Assert.Equal(0.1, s.Factor(0), 15);   // (0 + 1) / 10
        Assert.Equal(0.5, s.Factor(4), 15);
        Assert.Equal(1.0, s.Factor(9), 15);
        Assert.Equal(1.0, s.Factor(10), 15);  // cosine starts at its top
        Assert.Equal(0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * 0.25)), s.Factor(35), 15);
        Assert.Equal(0.55, s.Factor(60), 15); // half way: floor + (1 − floor)/2
        Assert.Equal(0.1, s.Factor(110), 15);
        Assert.Equal(0.1, s.Factor(500), 15);
        for (var step = 11; step <= 110; step++) Assert.True(s.Factor(step) < s.Factor(step - 1), $"not decreasing at {step}");
    }

    [Fact]
    public void Cosine_without_warmup_starts_at_the_full_rate()
    {
        var s = new CosineWithWarmup(totalSteps: 4);
        Assert.Equal(new[] { 1, 0.5 * (1 + Math.Cos(Math.PI / 4)), 0.5, 0.5 * (1 + Math.Cos(3 * Math.PI / 4)), 0 },
            Enumerable.Range(0, 5).Select(i => s.Factor(i)).ToArray(), new ToleranceComparer(1e-15));
        Assert.Throws<ArgumentException>(() => new CosineWithWarmup(totalSteps: 5, warmupSteps: 6));
    }

    [Fact]
    public void One_cycle_starts_at_max_over_25_peaks_at_pct_start_and_ends_at_max_over_25e4()
    {
        const double max = 0.1;
        var s = new OneCycle(totalSteps: 100, pctStart: 0.3);
        Assert.Equal(max / 25, max * s.Factor(0), 15);
        Assert.Equal(max, max * s.Factor(29), 15);  // peak at pct_start·total − 1
        Assert.Equal(max / (25 * 1e4), max * s.Factor(99), 15);
        // Cosine annealing in both phases: half way up and half way down.
        Assert.Equal(Anneal(1 / 25.0, 1, 14 / 29.0), s.Factor(14), 15);
        Assert.Equal((1 + 1 / 25e4) / 2, s.Factor(64), 15);
        for (var step = 1; step <= 29; step++) Assert.True(s.Factor(step) > s.Factor(step - 1));
        for (var step = 30; step < 100; step++) Assert.True(s.Factor(step) < s.Factor(step - 1));
    }

    private static double Anneal(double from, double to, double pct) => to + (from - to) / 2 * (Math.Cos(Math.PI * pct) + 1);

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
        var expected = JsonSerializer.Deserialize<double[]>(Python.RunCode(code))!;
        var s = new OneCycle(totalSteps: 57, pctStart: 0.25);
        Assert.Equal(57, expected.Length);
        Check.Close(expected, Enumerable.Range(0, 57).Select(i => 0.1 * s.Factor(i)).ToArray(), 1e-12, 1e-15, "learning rate");
    }

    [Fact]
    public void Schedule_apply_scales_each_groups_initial_rate()
    {
        using var a = new Parameter(torch.Zeros(new long[] { 1 }));
        using var b = new Parameter(torch.Zeros(new long[] { 1 }));
        using var sgd = new SGD(new[] { new ParamGroup(new[] { a }, 1.0), new ParamGroup(new[] { b }, 0.01) });
        var s = new OneCycle(totalSteps: 10);
        s.Apply(sgd, 0);
        Assert.Equal(1.0 / 25, sgd.ParamGroups[0].LearningRate, 15);
        Assert.Equal(0.01 / 25, sgd.ParamGroups[1].LearningRate, 15);
        Assert.Equal(1.0, sgd.ParamGroups[0].InitialLearningRate);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}

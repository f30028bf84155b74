using TransferFunctions.Torch.NN;
using TransferFunctions.Torch.Optim;
using Xunit.Abstractions;

namespace TransferFunctions.Torch.Tests.Memory;

public class TrainingMemoryTests(ITestOutputHelper output)
{
    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException("/proc/self/status has no VmRSS line");
    }

    [Fact]
    public void Three_hundred_training_steps_in_per_step_scopes_keep_resident_memory_flat()
    {
        torch.ManualSeed(0);
        using var model = new Sequential(
            new Conv2d(1, 8, 3, padding: 1), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
            new Conv2d(8, 16, 3, padding: 1), new BatchNorm2d(16), new ReLU(), new AdaptiveAvgPool2d(1, 1),
            new Flatten(), new Linear(16, 10));
        using var adam = new AdamW(model.Parameters(), learningRate: 1e-3);
        long atWarmup = 0;
        for (var step = 0; step < 300; step++)
        {
            using (var scope = torch.NewDisposeScope())
            {
                var x = torch.Randn(new long[] { 32, 1, 28, 28 });
                var y = torch.RandInt(0, 10, new long[] { 32 });
                adam.ZeroGrad();
                var loss = Functional.CrossEntropy(model.Forward(x), y);
                loss.Backward();
                adam.Step();
                Assert.True(double.IsFinite(loss.Item()));
            }
            if (step == 49) atWarmup = ResidentBytes();
        }
        var growth = ResidentBytes() - atWarmup;
        output.WriteLine($"resident memory at step 50: {atWarmup / 1048576.0:F1} MB, growth to step 300: {growth / 1048576.0:F2} MB");
        Assert.True(growth < 30L * 1024 * 1024, $"resident memory grew by {growth / (1024.0 * 1024):F1} MB between step 50 and step 300");
    }
}

using TorchSharp;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Tests.Engine;

[Collection(EngineCollection.Name)]
public sealed class TrainingMemoryTests(ITestOutputHelper output)
{
    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException("/proc/self/status has no VmRSS line");
    }

    private sealed class ResidentAt(int first, int last) : ITrainingCallback
    {
        public long First { get; private set; }
        public long Last { get; private set; }
        public List<(long Step, long Bytes)> Samples { get; } = new();

        public void OnStep(TrainingProgress progress)
        {
            if (progress.GlobalStep % 25 == 0) Samples.Add((progress.GlobalStep, ResidentBytes()));
            if (progress.GlobalStep == first) First = ResidentBytes();
            if (progress.GlobalStep == last) Last = ResidentBytes();
        }
    }

    [Fact]
    public void Three_hundred_training_steps_of_the_training_loop_keep_resident_memory_flat()
    {
        // TorchSharp does not tell the GC about native memory: a tensor that escaped its step's scope would pile up.
        manual_seed(0);
        using var model = new ResNet(ResNetSpec.Compact(1), 10);
        using var x = randn(320, 1, 28, 28).DetachFromDisposeScope();
        using var y = randint(0, 10, new long[] { 320 }, dtype: ScalarType.Int64).DetachFromDisposeScope();
        using var optimizer = ParameterGroups.AdamW([ParameterGroups.Group(model.parameters(), 1e-3)]);
        var probe = new ResidentAt(50, 300);
        var loop = new TrainingLoop(model, optimizer, new TrainingOptions { Epochs = 30, MaxGradNorm = 5 })
        {
            LossFunction = b => nn.functional.cross_entropy(model.forward(Preprocessing.Augment(b.Inputs, 2)), b.Targets, label_smoothing: 0.1),
        };
        loop.Callbacks.Add(probe);
        loop.Fit(new TensorBatchSource(x, y, 32, shuffle: true));
        var growth = probe.Last - probe.First;
        output.WriteLine(string.Join(", ", probe.Samples.Select(s => $"{s.Step}: {s.Bytes / 1048576.0:F1} MB")));
        output.WriteLine($"resident memory at step 50: {probe.First / 1048576.0:F1} MB, growth to step 300: {growth / 1048576.0:F2} MB");
        Assert.True(probe.First > 0 && probe.Last > 0);
        Assert.True(growth < 30L * 1024 * 1024, $"resident memory grew by {growth / (1024.0 * 1024):F1} MB between step 50 and step 300");
    }
}

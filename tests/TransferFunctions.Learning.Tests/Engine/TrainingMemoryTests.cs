using TorchSharp;
using TransferFunctions.Learning.Engine;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Tests.Engine;

[Collection(EngineCollection.Name)]
public sealed class TrainingMemoryTests(ITestOutputHelper output)
{
    private const long First = 50, Last = 300;

    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException("/proc/self/status has no VmRSS line");
    }

    /// <summary>Every 25 steps: resident memory after a trim of the native heap, and the tensors this thread holds.</summary>
    private sealed class MemoryProbe : ITrainingCallback
    {
        public List<(long Step, long Bytes, long LiveTensors)> Samples { get; } = new();

        public void OnStep(TrainingProgress progress)
        {
            if (progress.GlobalStep % 25 != 0) return;
            // Freed chunks cached in glibc's arenas are not live memory: without the trim, a second arena opening under
            // contention read as 40 MB of growth. No GC here: a tensor this loop left to its finalizer must still show.
            TorchRuntime.TrimNativeHeap();
            Samples.Add((progress.GlobalStep, ResidentBytes(), DisposeScopeManager.Statistics.ThreadTotalLiveCount));
        }

        public (long Bytes, long LiveTensors) At(long step) => Samples.Single(s => s.Step == step) is var s ? (s.Bytes, s.LiveTensors) : default;
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
        var probe = new MemoryProbe();
        var loop = new TrainingLoop(model, optimizer, new TrainingOptions { Epochs = 30, MaxGradNorm = 5 })
        {
            LossFunction = b => nn.functional.cross_entropy(model.forward(Preprocessing.Augment(b.Inputs, 2)), b.Targets, label_smoothing: 0.1),
        };
        loop.Callbacks.Add(probe);
        loop.Fit(new TensorBatchSource(x, y, 32, shuffle: true));
        output.WriteLine(string.Join(", ", probe.Samples.Select(s => $"{s.Step}: {s.Bytes / 1048576.0:F1} MB, {s.LiveTensors} tensors")));
        var (firstBytes, firstTensors) = probe.At(First);
        var (lastBytes, lastTensors) = probe.At(Last);
        var growth = lastBytes - firstBytes;
        output.WriteLine($"resident memory at step {First}: {firstBytes / 1048576.0:F1} MB, growth to step {Last}: {growth / 1048576.0:F2} MB; live tensors {firstTensors} → {lastTensors}");
        Assert.True(firstBytes > 0 && lastBytes > 0);
        // Exact: steps 50 and 300 both end an epoch, so every tensor a step or an epoch made is gone at both.
        Assert.True(lastTensors == firstTensors, $"the thread held {lastTensors - firstTensors} more tensors at step {Last} than at step {First}");
        Assert.True(growth < 30L * 1024 * 1024, $"resident memory grew by {growth / (1024.0 * 1024):F1} MB between step {First} and step {Last}");
    }
}

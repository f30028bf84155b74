using System.Buffers.Binary;
using System.Text;
using TorchSharp;
using TransferFunctions.Learning.Engine;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Training;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Tests.Engine;

/// <summary>TorchSharp loads in `dotnet test` on this machine (Debian 12) and trains; the shim beside us is the weakened copy.</summary>
[Collection(EngineCollection.Name)]
public sealed class EngineLoadTests
{
    [Fact]
    public void Libtorch_2_10_loads_and_a_compact_resnet_learns_a_separable_problem()
    {
        Assert.Equal("2.10.0", TorchRuntime.LibTorchVersion);
        manual_seed(1);
        using var model = new ResNet(ResNetSpec.Compact(1), 2);
        // Class 1 images are brighter: a task one epoch of a few steps must learn.
        using var y = tensor(Enumerable.Range(0, 64).Select(i => (long)(i % 2)).ToArray());
        using var x = randn(64, 1, 8, 8).add(y.to(ScalarType.Float32).mul(2).view(64, 1, 1, 1)).DetachFromDisposeScope();
        using var optimizer = ParameterGroups.AdamW([ParameterGroups.Group(model.parameters(), 3e-3)]);
        var loop = new TrainingLoop(model, optimizer, new TrainingOptions { Epochs = 6 });
        var history = loop.Fit(new TensorBatchSource(x, y, 16, shuffle: true, seed: 2));
        Assert.True(history.Epochs[^1].TrainLoss < history.Epochs[0].TrainLoss * 0.7, $"loss {history.Epochs[0].TrainLoss:F3} -> {history.Epochs[^1].TrainLoss:F3}");
        var (_, accuracy) = loop.Evaluate(new TensorBatchSource(x, y, 64));
        Assert.True(accuracy > 0.9, $"train accuracy {accuracy:P1}");
    }

    [Fact]
    public void The_shim_copied_beside_the_tests_has_its_glibcxx_3_4_32_need_flagged_weak()
    {
        var shim = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        Assert.True(File.Exists(shim), $"{shim} is missing: the build did not deliver TorchSharp's native shim");
        var needs = VersionNeeds(File.ReadAllBytes(shim));
        Assert.True(needs.TryGetValue("GLIBCXX_3.4.32", out var flags), "the shim has no GLIBCXX_3.4.32 need (TorchSharp changed: the Debian 12 fix may be obsolete)");
        Assert.Equal(2, flags & 2); // VER_FLG_WEAK
        Assert.All(needs.Where(n => n.Key != "GLIBCXX_3.4.32"), n => Assert.Equal(0, n.Value & 2));
    }

    /// <summary>Version-need names of an ELF64 file and their flags, read independently of the build's task.</summary>
    internal static Dictionary<string, int> VersionNeeds(byte[] b)
    {
        var result = new Dictionary<string, int>();
        var shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(0x28));
        int size = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(0x3A)), count = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(0x3C));
        for (var i = 0; i < count; i++)
        {
            var sh = (int)(shoff + i * size);
            if (BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(sh + 4)) != 0x6ffffffe) continue;
            var offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(sh + 0x18));
            var link = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(sh + 0x28));
            var entries = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(sh + 0x2C));
            var strtab = (int)BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan((int)(shoff + link * size) + 0x18));
            for (int n = 0, vn = offset; n < entries; n++)
            {
                int cnt = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(vn + 2)), aux = vn + (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(vn + 8));
                for (var a = 0; a < cnt; a++)
                {
                    var nameAt = strtab + (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(aux + 8));
                    var name = Encoding.ASCII.GetString(b, nameAt, Array.IndexOf(b, (byte)0, nameAt) - nameAt);
                    result[name] = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(aux + 4));
                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(aux + 12));
                }
                vn += (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(vn + 12));
            }
        }
        return result;
    }
}

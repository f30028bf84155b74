using System.Diagnostics;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Cli.Bench;

/// <summary>
/// Per-op profile of the compact ResNet's forward pass (the extraction work) at its own shapes: each convolution,
/// batch norm (eval), ReLU, residual add and the pooling, timed alone in inference mode. bench/engine_pytorch.py
/// <c>--profile</c> times the very same list, so the two sides compare kernel by kernel.
/// </summary>
public static class EngineOpProfile
{
    /// <summary>One op: its name (as both sides print it) and how to run it once on a prepared input.</summary>
    private sealed record Op(string Name, long Channels, long Size, Func<Tensor, Tensor> Run);

    /// <summary>Milliseconds per call of every op of the forward pass, for batches of <paramref name="batch"/>.</summary>
    public static JsonObject Run(int batch, int repeats)
    {
        manual_seed(0);
        var ops = new List<Op>();
        var keep = new List<Tensor>();
        Tensor Keep(Tensor t)
        {
            keep.Add(t.DetachFromDisposeScope());
            return t;
        }

        void Conv(long cin, long cout, long k, long stride, long size)
        {
            var w = Keep(randn(cout, cin, k, k).mul_(0.05));
            ops.Add(new Op($"conv{k}x{k} in{cin} out{cout} s{stride} @{size}", cin, size,
                x => nn.functional.conv2d(x, w, strides: [stride, stride], padding: [k / 2, k / 2])));
        }

        void Norm(long c, long size)
        {
            var mean = Keep(zeros(c));
            var variance = Keep(ones(c));
            var weight = Keep(ones(c));
            var bias = Keep(zeros(c));
            ops.Add(new Op($"batch_norm {c} @{size}", c, size, x => nn.functional.batch_norm(x, mean, variance, weight, bias, training: false)));
        }

        // stem, then layer1 (32, stride 1), layer2 (64, stride 2 + downsample), layer3 (128, stride 2 + downsample)
        Conv(1, 32, 3, 1, 28);
        foreach (var (cin, cout, stride, size) in new (long, long, long, long)[] { (32, 32, 1, 28), (32, 64, 2, 28), (64, 128, 2, 14) })
        {
            var outSize = size / stride;
            Conv(cin, cout, 3, stride, size);
            Conv(cout, cout, 3, 1, outSize);
            if (stride != 1) Conv(cin, cout, 1, stride, size);
        }
        foreach (var (c, size) in new (long, long)[] { (32, 28), (64, 14), (128, 7) })
        {
            Norm(c, size);
            ops.Add(new Op($"relu_ {c} @{size}", c, size, x => x.relu_()));
            var other = Keep(randn(batch, c, size, size));
            ops.Add(new Op($"add_ {c} @{size}", c, size, x => x.add_(other)));
        }
        ops.Add(new Op("adaptive_avg_pool2d 128 @7", 128, 7, x => nn.functional.adaptive_avg_pool2d(x, 1)));

        var result = new JsonObject();
        using (inference_mode())
        {
            foreach (var op in ops)
            {
                using var input = randn(batch, op.Channels, op.Size, op.Size);
                for (var w = 0; w < 2; w++)
                    using (NewDisposeScope()) op.Run(input);
                var watch = Stopwatch.StartNew();
                for (var r = 0; r < repeats; r++)
                    using (NewDisposeScope()) op.Run(input);
                result[op.Name] = Math.Round(watch.Elapsed.TotalMilliseconds / repeats, 3);
            }
        }
        foreach (var t in keep) t.Dispose();
        return result;
    }

    /// <summary>Both sides' profiles as rows "op: ours ms / PyTorch ms (ratio)".</summary>
    public static JsonObject Compare(JsonObject ours, JsonObject theirs)
    {
        var rows = new JsonObject();
        foreach (var (name, value) in ours)
        {
            var a = value!.GetValue<double>();
            var b = theirs[name]?.GetValue<double>() ?? double.NaN;
            rows[name] = new JsonArray(a, b, Math.Round(a / b, 3));
        }
        rows["total"] = new JsonArray(Math.Round(ours.Sum(kv => kv.Value!.GetValue<double>()), 3), Math.Round(theirs.Sum(kv => kv.Value!.GetValue<double>()), 3),
            Math.Round(ours.Sum(kv => kv.Value!.GetValue<double>()) / theirs.Sum(kv => kv.Value!.GetValue<double>()), 3));
        return rows;
    }
}

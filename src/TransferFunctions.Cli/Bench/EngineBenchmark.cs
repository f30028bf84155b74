using System.Diagnostics;
using System.Text.Json.Nodes;
using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Models;
using TransferFunctions.Torch;
using TransferFunctions.Torch.Optim;

namespace TransferFunctions.Cli.Bench;

/// <summary>
/// `bench engine`: one training epoch and one feature-extraction pass of the compact ResNet on
/// Fashion-MNIST, through our engine and through PyTorch with the same threads, data, order, batch
/// size and optimizer, in one run. Each side warms up identically before its timed sections.
/// </summary>
public static class EngineBenchmark
{
    public sealed record Settings(int Threads, int TrainCount = 10_000, int ExtractCount = 10_000, int BatchSize = 128, int Warmup = 2, int Repeat = 1);

    public sealed record SideResult(double TrainSeconds, double ExtractSeconds, double TrainLoss);

    public static async Task<JsonObject> RunAsync(Settings s, TextWriter log, CancellationToken ct)
    {
        var ours = new List<SideResult>();
        var theirs = new List<SideResult>();
        for (var r = 0; r < s.Repeat; r++)
        {
            log.WriteLine($"[bench engine] repeat {r + 1}/{s.Repeat}: our engine ({s.Threads} threads)...");
            ours.Add(await RunOursAsync(s, ct));
            log.WriteLine($"[bench engine]   train {ours[^1].TrainSeconds:F2}s, extract {ours[^1].ExtractSeconds:F2}s, loss {ours[^1].TrainLoss:F4}");
            log.WriteLine($"[bench engine] repeat {r + 1}/{s.Repeat}: PyTorch {PythonPeer.Interpreter}...");
            var peer = await PythonPeer.RunAsync("engine_pytorch.py", new[]
            {
                "--threads", s.Threads.ToString(), "--train-count", s.TrainCount.ToString(), "--extract-count", s.ExtractCount.ToString(),
                "--batch", s.BatchSize.ToString(), "--warmup", s.Warmup.ToString(),
            }, ct);
            theirs.Add(new SideResult(peer.GetProperty("train_s").GetDouble(), peer.GetProperty("extract_s").GetDouble(), peer.GetProperty("train_loss").GetDouble()));
            log.WriteLine($"[bench engine]   train {theirs[^1].TrainSeconds:F2}s, extract {theirs[^1].ExtractSeconds:F2}s, loss {theirs[^1].TrainLoss:F4}");
        }
        // Best of the repeats on each side: noise on a shared machine only ever adds time.
        double train = ours.Min(x => x.TrainSeconds), extract = ours.Min(x => x.ExtractSeconds);
        double trainPt = theirs.Min(x => x.TrainSeconds), extractPt = theirs.Min(x => x.ExtractSeconds);
        return new JsonObject
        {
            ["train_s"] = Math.Round(train, 3),
            ["train_s_pytorch"] = Math.Round(trainPt, 3),
            ["extract_s"] = Math.Round(extract, 3),
            ["extract_s_pytorch"] = Math.Round(extractPt, 3),
            ["ratio_train"] = Math.Round(train / trainPt, 3),
            ["ratio_extract"] = Math.Round(extract / extractPt, 3),
            ["threads"] = s.Threads,
            ["train_loss"] = Math.Round(ours[^1].TrainLoss, 4),
            ["train_loss_pytorch"] = Math.Round(theirs[^1].TrainLoss, 4),
            ["repeat"] = s.Repeat,
        };
    }

    /// <summary>The first <paramref name="count"/> images of a Fashion-MNIST split as normalized tensors (as the peer loads them).</summary>
    private static async Task<(Tensor Images, Tensor Labels)> LoadAsync(bool train, int count, CancellationToken ct)
    {
        var data = await FashionMnist.LoadAsync(train, cancellationToken: ct);
        var positions = Enumerable.Range(0, count).ToArray();
        var labels = positions.Select(p => (long)data.LabelIndex(data.Examples[p].Label)).ToArray();
        return (InMemoryTensors.Images(data, positions, InputSpec.FashionMnist), torch.FromArray(labels, labels.Length));
    }

    private static async Task<SideResult> RunOursAsync(Settings s, CancellationToken ct)
    {
        torch.SetNumThreads(s.Threads);
        torch.ManualSeed(0);
        var (trainX, trainY) = await LoadAsync(train: true, s.TrainCount, ct);
        var (testX, testY) = await LoadAsync(train: false, s.ExtractCount, ct);
        using var _1 = trainX;
        using var _2 = trainY;
        using var _3 = testX;
        using var _4 = testY;
        using var model = new ResNet(ResNetSpec.Compact(1), 10);
        using var optimizer = new AdamW(model.Parameters(), learningRate: 1e-3, weightDecay: 1e-2);

        double Step(Tensor x, Tensor y)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.ZeroGrad();
            var loss = Functional.CrossEntropy(model.Forward(x), y);
            loss.Backward();
            optimizer.Step();
            return loss.Item();
        }

        model.Train();
        for (var w = 0; w < s.Warmup; w++)
        {
            using var scope = torch.NewDisposeScope();
            Step(trainX.Slice(0, 0, s.BatchSize), trainY.Slice(0, 0, s.BatchSize));
        }
        var watch = Stopwatch.StartNew();
        double lossSum = 0;
        for (long i = 0; i < s.TrainCount; i += s.BatchSize)
        {
            using var scope = torch.NewDisposeScope();
            var end = Math.Min(s.TrainCount, i + s.BatchSize);
            lossSum += Step(trainX.Slice(0, i, end), trainY.Slice(0, i, end)) * (end - i);
        }
        var trainSeconds = watch.Elapsed.TotalSeconds;

        model.Eval();
        using (torch.NoGrad())
        {
            using (torch.NewDisposeScope()) model.Features(testX.Slice(0, 0, s.BatchSize));
            watch.Restart();
            using var scope = torch.NewDisposeScope();
            var features = FeatureExtractor.Extract(model, testX.Slice(0, 0, s.ExtractCount), ct, s.BatchSize);
            var extractSeconds = watch.Elapsed.TotalSeconds;
            if (features.Size(0) != s.ExtractCount) throw new InvalidOperationException("feature extraction lost rows");
            return new SideResult(trainSeconds, extractSeconds, lossSum / s.TrainCount);
        }
    }
}

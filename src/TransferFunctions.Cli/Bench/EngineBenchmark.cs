using System.Diagnostics;
using System.Text.Json.Nodes;
using TorchSharp;
using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Engine;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Training;
using static TorchSharp.torch;

namespace TransferFunctions.Cli.Bench;

/// <summary>
/// `bench engine`: one training epoch and one feature-extraction pass of the compact ResNet on
/// Fashion-MNIST, through our TorchSharp engine and through PyTorch with the same threads, data, order,
/// batch size and optimizer, in one run. Each side warms up identically before its timed sections.
/// </summary>
public static class EngineBenchmark
{
    /// <param name="Threads">Intra-op threads of both sides.</param>
    /// <param name="TrainCount">Training images (one epoch).</param>
    /// <param name="ExtractCount">Images whose features are extracted.</param>
    /// <param name="BatchSize">Batch size of both passes.</param>
    /// <param name="Warmup">Untimed training steps first.</param>
    /// <param name="Repeat">Runs per side; the best is reported.</param>
    /// <param name="ChannelsLast">Lever: keep activations in NHWC (channels-last) memory format on our side.</param>
    /// <param name="InterOpThreads">Lever: libtorch inter-op threads on our side (0 leaves libtorch's default).</param>
    /// <param name="ReadLossEveryStep">Lever: read the loss off the device after every step (a host sync) instead of once per epoch.</param>
    /// <param name="Prefetch">Lever: slice the next batch on another thread while the current one trains.</param>
    /// <param name="ExtractNoGrad">Lever: extract under <c>no_grad</c> instead of <c>inference_mode</c> on our side.</param>
    /// <param name="ExtractBatchSize">Lever: our extraction batch size (0: <paramref name="BatchSize"/>, as the peer).</param>
    /// <param name="ExtractThreads">Lever: our intra-op threads for extraction (0: <paramref name="Threads"/>).</param>
    /// <param name="Profile">Instead of the epoch: time each op of the forward pass this many times on both sides (<see cref="EngineOpProfile"/>).</param>
    /// <param name="ReleaseBeforeExtract">Lever: dispose the optimizer and return the native heap's free pages before extracting.</param>
    public sealed record Settings(int Threads, int TrainCount = 10_000, int ExtractCount = 10_000, int BatchSize = 128, int Warmup = 2, int Repeat = 1,
        bool ChannelsLast = false, int InterOpThreads = 0, bool ReadLossEveryStep = false, bool Prefetch = false,
        bool ExtractNoGrad = false, int ExtractBatchSize = 0, int ExtractThreads = 0, bool ReleaseBeforeExtract = false, int Profile = 0);

    /// <param name="TrainSeconds">The timed epoch.</param>
    /// <param name="ExtractSeconds">The timed extraction pass.</param>
    /// <param name="TrainLoss">Mean training loss over the epoch.</param>
    /// <param name="PeakTrainMegabytes">Peak resident memory up to the end of training (data loaded, one epoch).</param>
    /// <param name="PeakExtractMegabytes">Peak resident memory during extraction alone (the peak is reset after training), or NaN.</param>
    public sealed record SideResult(double TrainSeconds, double ExtractSeconds, double TrainLoss, double PeakTrainMegabytes = double.NaN, double PeakExtractMegabytes = double.NaN);

    public static async Task<JsonObject> RunAsync(Settings s, TextWriter log, CancellationToken ct)
    {
        if (s.Profile > 0) return await ProfileAsync(s, log, ct);
        var ours = new List<SideResult>();
        var theirs = new List<SideResult>();
        string peerTorch = "";
        for (var r = 0; r < s.Repeat; r++)
        {
            log.WriteLine($"[bench engine] repeat {r + 1}/{s.Repeat}: our engine ({TorchRuntime.PackageDescription}, {s.Threads} threads)...");
            ours.Add(await RunOursAsync(s, ct));
            // What one repeat left to finalizers and glibc's free lists is not the next repeat's memory.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            TorchRuntime.TrimNativeHeap();
            log.WriteLine($"[bench engine]   train {ours[^1].TrainSeconds:F2}s, extract {ours[^1].ExtractSeconds:F2}s, loss {ours[^1].TrainLoss:F4}");
            log.WriteLine($"[bench engine] repeat {r + 1}/{s.Repeat}: PyTorch {PythonPeer.Interpreter}...");
            var peer = await PythonPeer.RunAsync("engine_pytorch.py", new[]
            {
                "--threads", s.Threads.ToString(), "--train-count", s.TrainCount.ToString(), "--extract-count", s.ExtractCount.ToString(),
                "--batch", s.BatchSize.ToString(), "--warmup", s.Warmup.ToString(),
            }, ct);
            peerTorch = peer.GetProperty("torch").GetString() ?? "";
            theirs.Add(new SideResult(peer.GetProperty("train_s").GetDouble(), peer.GetProperty("extract_s").GetDouble(), peer.GetProperty("train_loss").GetDouble(),
                peer.TryGetProperty("peak_rss_mb", out var peerPeak) ? peerPeak.GetDouble() : double.NaN));
            log.WriteLine($"[bench engine]   train {theirs[^1].TrainSeconds:F2}s, extract {theirs[^1].ExtractSeconds:F2}s, loss {theirs[^1].TrainLoss:F4} (torch {peerTorch})");
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
            ["torch"] = TorchRuntime.LibTorchVersion,
            ["peak_rss_mb"] = Math.Round(Math.Max(PeakResidentMegabytes(), ours.Max(x => x.PeakTrainMegabytes)), 1),
            ["peak_rss_train_mb"] = Math.Round(ours.Max(x => x.PeakTrainMegabytes), 1),
            ["peak_rss_extract_mb"] = Math.Round(ours.Max(x => x.PeakExtractMegabytes), 1),
            ["peak_rss_mb_pytorch"] = Math.Round(theirs.Max(x => x.PeakTrainMegabytes), 1),
            ["train_loss"] = Math.Round(ours[^1].TrainLoss, 4),
            ["train_loss_pytorch"] = Math.Round(theirs[^1].TrainLoss, 4),
            ["torch_pytorch"] = peerTorch,
            ["omp_wait_policy"] = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? TorchRuntime.DefaultOpenMpWaitPolicy,
            ["channels_last"] = s.ChannelsLast,
            ["interop_threads"] = s.InterOpThreads,
            ["read_loss_every_step"] = s.ReadLossEveryStep,
            ["prefetch"] = s.Prefetch,
            ["extract_no_grad"] = s.ExtractNoGrad,
            ["extract_batch"] = s.ExtractBatchSize > 0 ? s.ExtractBatchSize : s.BatchSize,
            ["extract_threads"] = s.ExtractThreads > 0 ? s.ExtractThreads : s.Threads,
            ["release_before_extract"] = s.ReleaseBeforeExtract,
            ["malloc_arena_max"] = Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") ?? TorchRuntime.DefaultMallocArenas.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["malloc_mmap_threshold"] = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") ?? "glibc",
            ["repeat"] = s.Repeat,
        };
    }

    private static async Task<JsonObject> ProfileAsync(Settings s, TextWriter log, CancellationToken ct)
    {
        TorchRuntime.EnsureConfigured();
        set_num_threads(s.Threads);
        log.WriteLine($"[bench engine] per-op profile, batch {s.BatchSize}, {s.Profile} calls each: ours, then PyTorch...");
        var ours = EngineOpProfile.Run(s.BatchSize, s.Profile);
        var peer = await PythonPeer.RunAsync("engine_pytorch.py", new[] { "--threads", s.Threads.ToString(), "--batch", s.BatchSize.ToString(), "--profile", s.Profile.ToString() }, ct);
        var theirs = JsonNode.Parse(peer.GetProperty("profile").GetRawText())!.AsObject();
        return new JsonObject
        {
            ["profile_ms_ours_pytorch_ratio"] = EngineOpProfile.Compare(ours, theirs),
            ["threads"] = s.Threads,
            ["batch"] = s.BatchSize,
            ["torch"] = TorchRuntime.LibTorchVersion,
            ["torch_pytorch"] = peer.GetProperty("torch").GetString(),
        };
    }

    /// <summary>Peak resident set of this process (VmHWM), in MB: the bench's memory figure.</summary>
    public static double PeakResidentMegabytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    /// <summary>Resets the kernel's peak-resident figure (VmHWM) to the current resident set; false where that is not possible.</summary>
    private static bool ResetPeakResident()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The first <paramref name="count"/> images of a Fashion-MNIST split as normalized tensors (as the peer loads them).</summary>
    private static async Task<(Tensor Images, Tensor Labels)> LoadAsync(bool train, int count, CancellationToken ct)
    {
        var data = await FashionMnist.LoadAsync(train, cancellationToken: ct);
        var positions = Enumerable.Range(0, count).ToArray();
        var labels = positions.Select(p => (long)data.LabelIndex(data.Examples[p].Label)).ToArray();
        return (InMemoryTensors.Images(data, positions, InputSpec.FashionMnist), tensor(labels));
    }

    private static async Task<SideResult> RunOursAsync(Settings s, CancellationToken ct)
    {
        TorchRuntime.EnsureConfigured();
        set_num_threads(s.Threads);
        if (s.InterOpThreads > 0 && get_num_interop_threads() != s.InterOpThreads) set_num_interop_threads(s.InterOpThreads);
        manual_seed(0);
        var (trainX, trainY) = await LoadAsync(train: true, s.TrainCount, ct);
        var (testX, testY) = await LoadAsync(train: false, s.ExtractCount, ct);
        using var _1 = trainX;
        using var _2 = trainY;
        using var _3 = testX;
        using var _4 = testY;
        using var model = new ResNet(ResNetSpec.Compact(1), 10);
        var optimizer = ParameterGroups.AdamW([ParameterGroups.Group(model.parameters(), 1e-3, weightDecay: 1e-2)]);
        var parameters = optimizer.parameters().ToList();
        using var lossSum = zeros(1, dtype: ScalarType.Float64);
        double hostLossSum = 0;

        // TorchSharp 0.107 has no memory_format argument; an NHWC copy viewed as NCHW has channels-last strides, which
        // libtorch's convolutions propagate to their outputs (the weights stay contiguous).
        Tensor Prepare(Tensor x) => s.ChannelsLast ? x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : x;

        void Step(Tensor x, Tensor y)
        {
            using var scope = NewDisposeScope();
            ModuleExtensions.ClearGradients(parameters);
            var loss = nn.functional.cross_entropy(model.forward(Prepare(x)), y);
            loss.backward();
            optimizer.step();
            if (s.ReadLossEveryStep) hostLossSum += loss.item<float>() * x.size(0);
            else lossSum.add_(loss.detach().to(ScalarType.Float64).mul(x.size(0)));
        }

        model.train();
        for (var w = 0; w < s.Warmup; w++)
        {
            using var scope = NewDisposeScope();
            Step(trainX.slice(0, 0, s.BatchSize, 1), trainY.slice(0, 0, s.BatchSize, 1));
        }
        lossSum.zero_();
        hostLossSum = 0;
        var batches = new List<(long Start, long End)>();
        for (long i = 0; i < s.TrainCount; i += s.BatchSize) batches.Add((i, Math.Min(s.TrainCount, i + s.BatchSize)));
        var watch = Stopwatch.StartNew();
        if (s.Prefetch)
        {
            // Data preparation (slicing + copying the next batch contiguously) on another thread.
            Task<(Tensor, Tensor)>? next = null;
            (Tensor, Tensor) Slice((long Start, long End) b) =>
                (trainX.slice(0, b.Start, b.End, 1).contiguous().DetachFromDisposeScope(), trainY.slice(0, b.Start, b.End, 1).contiguous().DetachFromDisposeScope());
            for (var b = 0; b < batches.Count; b++)
            {
                var (x, y) = next is null ? Slice(batches[b]) : await next;
                var following = b + 1;
                next = following < batches.Count ? Task.Run(() => Slice(batches[following]), ct) : null;
                using (x)
                using (y)
                    Step(x, y);
            }
        }
        else
        {
            foreach (var (start, end) in batches)
            {
                using var scope = NewDisposeScope();
                Step(trainX.slice(0, start, end, 1), trainY.slice(0, start, end, 1));
            }
        }
        var trainLoss = s.ReadLossEveryStep ? hostLossSum / s.TrainCount : lossSum.item<double>() / s.TrainCount;
        var trainSeconds = watch.Elapsed.TotalSeconds;
        var peakTrain = PeakResidentMegabytes();

        if (s.ReleaseBeforeExtract)
        {
            // The optimizer's moment buffers are the training state that outlives the epoch; then give glibc's cached
            // free chunks (the epoch's activations) back before extraction allocates its own.
            optimizer.Dispose();
            ModuleExtensions.ClearGradients(parameters);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            TorchRuntime.TrimNativeHeap();
        }
        var peakReset = ResetPeakResident();
        if (s.ExtractThreads > 0) set_num_threads(s.ExtractThreads);
        var extractBatch = s.ExtractBatchSize > 0 ? s.ExtractBatchSize : s.BatchSize;
        model.eval();
        using (inference_mode())
        using (NewDisposeScope())
            model.Features(Prepare(testX.slice(0, 0, extractBatch, 1)));
        watch.Restart();
        using var extractScope = NewDisposeScope();
        var features = FeatureExtractor.Extract(model, Prepare(testX.slice(0, 0, s.ExtractCount, 1)), ct, extractBatch, inferenceMode: !s.ExtractNoGrad);
        var extractSeconds = watch.Elapsed.TotalSeconds;
        if (features.size(0) != s.ExtractCount) throw new InvalidOperationException("feature extraction lost rows");
        var peakExtract = peakReset ? PeakResidentMegabytes() : double.NaN;
        if (!s.ReleaseBeforeExtract) optimizer.Dispose();
        set_num_threads(s.Threads);
        return new SideResult(trainSeconds, extractSeconds, trainLoss, peakTrain, peakExtract);
    }
}

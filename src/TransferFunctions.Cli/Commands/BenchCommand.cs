using System.CommandLine;
using TransferFunctions.Cli.Bench;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Cli.Commands;

/// <summary>`transfer bench engine|label-efficiency|pipeline|reliability|transfer`.</summary>
public static class BenchCommand
{
    /// <summary>Where the full label-efficiency sweep writes (tracked in the repository).</summary>
    public static readonly string FullResults = Path.Combine("results", "label-efficiency");

    /// <summary>Where <c>--quick</c> writes: beside, never over, the full sweep's results.</summary>
    public static readonly string QuickResults = Path.Combine("results", "label-efficiency", "quick");

    public static Command Create()
    {
        var threads = new Option<int>("--threads") { Description = "intra-op threads for both sides (default: available cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var repeat = new Option<int>("--repeat") { Description = "runs per side; the best is reported", DefaultValueFactory = _ => 1 };
        var trainCount = new Option<int>("--train-count") { Description = "training images", DefaultValueFactory = _ => 10_000 };
        var extractCount = new Option<int>("--extract-count") { Description = "images whose features are extracted", DefaultValueFactory = _ => 10_000 };
        var channelsLast = new Option<bool>("--channels-last") { Description = "lever: channels-last (NHWC) activations on our side" };
        var interOp = new Option<int>("--interop-threads") { Description = "lever: libtorch inter-op threads on our side (0 = libtorch's default)" };
        var readLoss = new Option<bool>("--read-loss-every-step") { Description = "lever: read the loss after every step (a host sync) instead of once per epoch" };
        var prefetch = new Option<bool>("--prefetch") { Description = "lever: prepare the next batch on another thread" };
        var extractNoGrad = new Option<bool>("--extract-no-grad") { Description = "lever: extract under no_grad instead of inference_mode on our side" };
        var extractBatch = new Option<int>("--extract-batch") { Description = "lever: our extraction batch size (0 = the training batch, as the peer)" };
        var extractThreads = new Option<int>("--extract-threads") { Description = "lever: our intra-op threads for extraction (0 = --threads)" };
        var releaseBeforeExtract = new Option<bool>("--release-before-extract") { Description = "lever: dispose the optimizer and trim the native heap before extracting" };
        var profile = new Option<int>("--profile") { Description = "instead of the epoch: time each op of the forward pass N times on both sides (0 = off)" };
        var engine = new Command("engine", "Train the compact ResNet one epoch and extract features; ours vs PyTorch, same threads and data.")
        {
            threads, repeat, trainCount, extractCount, channelsLast, interOp, readLoss, prefetch, extractNoGrad, extractBatch, extractThreads, releaseBeforeExtract, profile,
        };
        engine.SetAction(async (parse, ct) =>
        {
            var settings = new EngineBenchmark.Settings(parse.GetValue(threads), TrainCount: parse.GetValue(trainCount), ExtractCount: parse.GetValue(extractCount), Repeat: parse.GetValue(repeat),
                ChannelsLast: parse.GetValue(channelsLast), InterOpThreads: parse.GetValue(interOp), ReadLossEveryStep: parse.GetValue(readLoss), Prefetch: parse.GetValue(prefetch),
                ExtractNoGrad: parse.GetValue(extractNoGrad), ExtractBatchSize: parse.GetValue(extractBatch), ExtractThreads: parse.GetValue(extractThreads),
                ReleaseBeforeExtract: parse.GetValue(releaseBeforeExtract), Profile: parse.GetValue(profile));
            var result = await EngineBenchmark.RunAsync(settings, System.Console.Error, ct);
            JsonOutput.WriteLastLine(result);
            return 0;
        });
        var quick = new Option<bool>("--quick") { Description = "k = 10 and 100 only, one seed (under 5 minutes)" };
        var basePath = new Option<string>("--base") { Description = "base model package directory", DefaultValueFactory = _ => AdaptCommand.DefaultBase() };
        var output = new Option<string?>("--output", "-o") { Description = $"results directory (JSON + SVG); default {FullResults}, or {QuickResults} with --quick (the tracked full-sweep results are never overwritten by a quick run)" };
        var ks = new Option<int[]>("--k") { Description = "labels per class to run (default: 1 5 10 50 100 600 6000)", AllowMultipleArgumentsPerToken = true };
        var methods = new Option<string[]>("--methods") { Description = "methods to run (default: linear-probe fine-tune scratch auto)", AllowMultipleArgumentsPerToken = true };
        var seeds = new Option<int?>("--seeds") { Description = "seeds per k (default: 3 for k <= 100, else 1)" };
        var steps = new Option<int?>("--steps") { Description = "optimizer steps for every k instead of the per-k budgets (for exploring budgets)" };
        var from = new Option<string?>("--from") { Description = "re-summarize and re-plot the runs of an earlier label-efficiency.json instead of training" };
        var progress = new Option<bool>("--progress") { Description = "show each training phase's progress" };
        var labelEfficiency = new Command("label-efficiency", "Accuracy vs labels per class on Fashion-MNIST 5-9: linear-probe, fine-tune, scratch, auto.")
        {
            quick, basePath, output, ks, methods, seeds, steps, threads, progress, from,
        };
        labelEfficiency.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(from) is { } resultsFile)
            {
                JsonOutput.WriteLastLine(LabelEfficiencyBenchmark.Replot(resultsFile, parse.GetValue(output) ?? Path.GetDirectoryName(Path.GetFullPath(resultsFile))!));
                return 0;
            }
            torch.set_num_threads(parse.GetValue(threads));
            var k = parse.GetValue(ks);
            var m = parse.GetValue(methods);
            var settings = new LabelEfficiencyBenchmark.Settings(parse.GetValue(basePath)!, parse.GetValue(output) ?? (parse.GetValue(quick) ? QuickResults : FullResults), parse.GetValue(quick),
                k is { Length: > 0 } ? k : null, m is { Length: > 0 } ? m : null, parse.GetValue(seeds), parse.GetValue(progress), Steps: parse.GetValue(steps));
            var result = await Task.Run(() => LabelEfficiencyBenchmark.RunAsync(settings, System.Console.Error, ct), ct);
            JsonOutput.WriteLastLine(result);
            return 0;
        });
        var perClass = new Option<int>("--per-class") { Description = "labeled examples per class in the batch", DefaultValueFactory = _ => 50 };
        var pipelineSteps = new Option<int>("--steps") { Description = "training steps of candidate and baseline", DefaultValueFactory = _ => 200 };
        var pipeline = new Command("pipeline", "One adaptation run end to end: run time, time inside steps, orchestration overhead.") { perClass, pipelineSteps };
        pipeline.SetAction(async (parse, ct) =>
        {
            var result = await PipelineBenchmark.RunAsync(new PipelineBenchmark.Settings(parse.GetValue(perClass), parse.GetValue(pipelineSteps)), System.Console.Error, ct);
            JsonOutput.WriteLastLine(result);
            return 0;
        });
        var scenarios = new Option<string[]>("--scenarios") { Description = "fault scenarios to run (default: all)", AllowMultipleArgumentsPerToken = true };
        var noBadInputs = new Option<bool>("--no-bad-inputs") { Description = "skip the bad-input catalog" };
        var repository = new Option<string?>("--repository") { Description = "repository root holding the bad-input catalog's tests (default: found above the working folder)" };
        var noLoad = new Option<bool>("--no-load") { Description = "skip the load scenario (bench reliability-load runs it alone)" };
        var parallel = new Option<int>("--parallel") { Description = "fault scenarios run side by side", DefaultValueFactory = _ => ReliabilityBenchmark.DefaultParallel };
        var reliability = new Command("reliability", "Process faults (kill -9 at every step, step crashes, disk full, corrupt records, races, expired leases), the bad-input catalog and the load scenario.")
        {
            scenarios, noBadInputs, repository, noLoad, parallel,
        };
        reliability.SetAction(async (parse, ct) =>
        {
            var names = parse.GetValue(scenarios);
            var result = await ReliabilityBenchmark.RunAsync(new ReliabilityBenchmark.Settings(names is { Length: > 0 } ? names : null, !parse.GetValue(noBadInputs), parse.GetValue(repository), !parse.GetValue(noLoad), parse.GetValue(parallel)),
                System.Console.Error, ct);
            JsonOutput.WriteLastLine(result);
            return 0;
        });
        var bench = new Command("bench", "Benchmarks; the last stdout line is JSON.") { engine, labelEfficiency, pipeline, reliability, TransferBenchCommand.Create(threads) };
        bench.Subcommands.Add(ReliabilityLoadCommand.Create());
        return bench;
    }
}

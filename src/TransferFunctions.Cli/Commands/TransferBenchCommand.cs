using System.CommandLine;
using TransferFunctions.Cli.Bench;
using TorchSharp;

namespace TransferFunctions.Cli.Commands;

/// <summary>`transfer bench transfer`: compact base vs ImageNet ResNet-18 vs scratch on two targets (<see cref="TransferBenchmark"/>).</summary>
public static class TransferBenchCommand
{
    public static Command Create(Option<int> threads)
    {
        var compact = new Option<string>("--compact-base") { Description = "the Fashion-compact base package", DefaultValueFactory = _ => AdaptCommand.DefaultBase() };
        var imagenet = new Option<string>("--imagenet-base") { Description = "the ImageNet ResNet-18 package (./tf build imports it)",
            DefaultValueFactory = _ => Path.Combine(new TransferFunctions.Pipeline.Steps.PipelineOptions().ShippedBasesDirectory, TransferBenchmark.ImageNetName) };
        var output = new Option<string?>("--output", "-o") { Description = "results directory (JSON, Markdown table, SVG); default results/transfer, results/transfer/quick with --quick" };
        var ks = new Option<int[]>("--k") { Description = "labels per class (default: 10 100)", AllowMultipleArgumentsPerToken = true };
        var seeds = new Option<int?>("--seeds") { Description = "seeds per k (default 3)" };
        var sizes = new Option<int[]>("--sizes") { Description = "also measure the ImageNet base's input sizes (linear probe), e.g. 64 96 128 224", AllowMultipleArgumentsPerToken = true };
        var imagenetSize = new Option<int?>("--imagenet-size") { Description = "input size of the ImageNet base for the comparison (default: the package's)" };
        var steps = new Option<int?>("--steps") { Description = "optimizer steps of every fine-tune and scratch run (default: the benchmark's per-k budgets)" };
        var targets = new Option<string[]>("--targets") { Description = $"targets (default: {string.Join(" ", TransferBenchmark.Targets)})", AllowMultipleArgumentsPerToken = true };
        var resume = new Option<bool>("--resume") { Description = "keep the runs of the results file that used the same budgets and input size, and run only the missing ones" };
        var summarize = new Option<bool>("--summarize") { Description = "rewrite the summary, table and SVGs from the results file's runs (same budgets and input size) without running anything" };
        var quick = new Option<bool>("--quick") { Description = $"one seed of k = 10 at {TransferBenchmark.QuickSteps} steps into results/transfer/quick: every cell runs, nothing is measured" };
        var command = new Command("transfer", "Compact base vs ImageNet ResNet-18 vs scratch, probe and fine-tune, on Fashion-MNIST 5-9 and rendered letters A-J.")
        {
            compact, imagenet, output, ks, seeds, sizes, imagenetSize, steps, targets, resume, summarize, quick, threads,
        };
        command.SetAction(async (parse, ct) =>
        {
            torch.set_num_threads(parse.GetValue(threads));
            var isQuick = parse.GetValue(quick);
            var k = parse.GetValue(ks);
            var t = parse.GetValue(targets);
            var settings = new TransferBenchmark.Settings(parse.GetValue(compact)!, parse.GetValue(imagenet)!,
                parse.GetValue(output) ?? (isQuick ? Path.Combine("results", "transfer", "quick") : Path.Combine("results", "transfer")),
                k is { Length: > 0 } ? k : isQuick ? [10] : TransferBenchmark.DefaultK,
                parse.GetValue(seeds) ?? (isQuick ? 1 : 3), parse.GetValue(sizes) ?? [], parse.GetValue(steps) ?? (isQuick ? TransferBenchmark.QuickSteps : null),
                t is { Length: > 0 } ? t : TransferBenchmark.Targets, parse.GetValue(imagenetSize), parse.GetValue(resume), parse.GetValue(summarize));
            if (!File.Exists(Path.Combine(settings.ImageNetBase, "model.json")))
            {
                System.Console.Error.WriteLine($"error: no ImageNet base at {settings.ImageNetBase}; `./tf build` imports it (or `transfer models import --imagenet-resnet18 -o DIR`)");
                return 2;
            }
            var result = await Task.Run(() => TransferBenchmark.RunAsync(settings, System.Console.Error, ct), ct);
            JsonOutput.WriteLastLine(result);
            return 0;
        });
        return command;
    }
}

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
            DefaultValueFactory = _ => Path.Combine(new TransferFunctions.Pipeline.Steps.PipelineOptions().ShippedBasesDirectory, "imagenet-resnet18") };
        var output = new Option<string>("--output", "-o") { Description = "results directory (JSON + SVG)", DefaultValueFactory = _ => Path.Combine("results", "transfer") };
        var ks = new Option<int[]>("--k") { Description = "labels per class (default: 10 100)", AllowMultipleArgumentsPerToken = true };
        var seeds = new Option<int>("--seeds") { Description = "seeds per k", DefaultValueFactory = _ => 1 };
        var sizes = new Option<int[]>("--sizes") { Description = "also measure the ImageNet base's input sizes (linear probe), e.g. 64 96 128 224", AllowMultipleArgumentsPerToken = true };
        var steps = new Option<int?>("--steps") { Description = "optimizer steps of every fine-tune and scratch run (default: label-efficiency's per-k budgets)" };
        var targets = new Option<string[]>("--targets") { Description = $"targets (default: {string.Join(" ", TransferBenchmark.Targets)})", AllowMultipleArgumentsPerToken = true };
        var command = new Command("transfer", "Compact base vs ImageNet ResNet-18 vs scratch, probe and fine-tune, on Fashion-MNIST 5-9 and rendered letters A-J.")
        {
            compact, imagenet, output, ks, seeds, sizes, steps, targets, threads,
        };
        command.SetAction(async (parse, ct) =>
        {
            torch.set_num_threads(parse.GetValue(threads));
            var k = parse.GetValue(ks);
            var t = parse.GetValue(targets);
            var settings = new TransferBenchmark.Settings(parse.GetValue(compact)!, parse.GetValue(imagenet)!, parse.GetValue(output)!,
                k is { Length: > 0 } ? k : TransferBenchmark.DefaultK, parse.GetValue(seeds), parse.GetValue(sizes) ?? [], parse.GetValue(steps),
                t is { Length: > 0 } ? t : TransferBenchmark.Targets);
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

using System.CommandLine;
using TransferFunctions.Cli.Bench;

namespace TransferFunctions.Cli.Commands;

/// <summary>`transfer bench engine` (more benchmarks join as the product grows).</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var threads = new Option<int>("--threads") { Description = "intra-op threads for both sides (default: available cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var repeat = new Option<int>("--repeat") { Description = "runs per side; the best is reported", DefaultValueFactory = _ => 1 };
        var trainCount = new Option<int>("--train-count") { Description = "training images", DefaultValueFactory = _ => 10_000 };
        var engine = new Command("engine", "Train the compact ResNet one epoch and extract features; ours vs PyTorch, same threads and data.")
        {
            threads, repeat, trainCount,
        };
        engine.SetAction(async (parse, ct) =>
        {
            var settings = new EngineBenchmark.Settings(parse.GetValue(threads), TrainCount: parse.GetValue(trainCount), Repeat: parse.GetValue(repeat));
            var result = await EngineBenchmark.RunAsync(settings, System.Console.Error, ct);
            JsonOutput.WriteLastLine(result);
            return 0;
        });
        return new Command("bench", "Benchmarks against a PyTorch peer; the last stdout line is JSON.") { engine };
    }
}

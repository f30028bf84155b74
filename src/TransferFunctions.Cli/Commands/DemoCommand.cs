using System.CommandLine;
using TransferFunctions.Cli.Demo;

namespace TransferFunctions.Cli.Commands;

/// <summary>`transfer demo`: the whole mission on the embedded default (see <see cref="PipelineDemo"/>).</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var store = new Option<string>("--store") { Description = "demo store directory (emptied first)", DefaultValueFactory = _ => Path.Combine(".tf", "demo-store") };
        var labels = new Option<string>("--labels") { Description = "new labeled images per class in each batch, comma-separated", DefaultValueFactory = _ => "10,40,150" };
        var steps = new Option<int>("--steps") { Description = "training steps per model (candidate and scratch baseline)", DefaultValueFactory = _ => 250 };
        var strategy = new Option<string>("--strategy") { Description = "adaptation strategy", DefaultValueFactory = _ => "fine-tune" };
        var holdout = new Option<int>("--holdout") { Description = "held-out test images per class delivered with the first batch", DefaultValueFactory = _ => 100 };
        var command = new Command("demo", "Run the pipeline on the embedded default: batches of a new domain arrive at a local host; watch runs promote or reject.")
        {
            store, labels, steps, strategy, holdout,
        };
        command.SetAction(async (parse, ct) =>
        {
            var perClass = parse.GetValue(labels)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToList();
            var demo = new PipelineDemo(new PipelineDemo.Settings(parse.GetValue(store)!, perClass, parse.GetValue(steps), parse.GetValue(strategy)!, parse.GetValue(holdout)), System.Console.Out);
            JsonOutput.WriteLastLine(await demo.RunAsync(ct));
            return 0;
        });
        return command;
    }
}

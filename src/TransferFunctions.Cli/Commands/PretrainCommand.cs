using TransferFunctions.Learning.Engine;
using System.CommandLine;
using System.Text.Json.Nodes;
using TransferFunctions.Cli.Console;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Pretraining;

namespace TransferFunctions.Cli.Commands;

/// <summary>`transfer pretrain`: reproduces the shipped base model package.</summary>
public static class PretrainCommand
{
    public const string ShippedBase = "models/base/fashion-compact";

    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "package directory to write", DefaultValueFactory = _ => ShippedBase };
        var epochs = new Option<int>("--epochs") { Description = "training epochs", DefaultValueFactory = _ => new PretrainOptions().Epochs };
        var limit = new Option<int>("--limit") { Description = "use only the first N source images (0 = all)", DefaultValueFactory = _ => 0 };
        var command = new Command("pretrain", "Train the compact ResNet on Fashion-MNIST classes 0-4 and write the base model package.") { output, epochs, limit };
        command.SetAction(async (parse, ct) =>
        {
            var options = new PretrainOptions { Epochs = parse.GetValue(epochs), Limit = parse.GetValue(limit) };
            using var package = await BasePretrainer.RunAsync(options, new[] { new ConsoleProgress() }, ct);
            var dir = parse.GetValue(output)!;
            package.Save(dir);
            var m = package.Card;
            System.Console.Out.WriteLine($"Wrote {dir}: {m.Architecture}, labels [{string.Join(", ", m.Labels)}], source test accuracy {m.SourceTestAccuracy:P2}, weights {m.WeightsDigest[..19]}…");
            JsonOutput.WriteLastLine(new JsonObject
            {
                ["package"] = dir,
                ["source_test_accuracy"] = m.SourceTestAccuracy,
                ["weights_digest"] = m.WeightsDigest,
                ["parameters"] = package.Model.ParameterCount(),
            });
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using TransferFunctions.Cli.Bench;
using TransferFunctions.Cli.Console;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Training;
using TransferFunctions.Torch;
using TransferFunctions.Torch.Optim;

namespace TransferFunctions.Cli.Commands;

/// <summary>`transfer demo`: trains the compact ResNet on Fashion-MNIST for a short budget and reports test accuracy.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "passes over the training subset", DefaultValueFactory = _ => 2 };
        var trainCount = new Option<int>("--train-count") { Description = "training images", DefaultValueFactory = _ => 10_000 };
        var command = new Command("demo", "Train a small CNN on Fashion-MNIST with progress, then print its test accuracy.") { epochs, trainCount };
        command.SetAction((parse, ct) => Task.FromResult(Run(parse.GetValue(epochs), parse.GetValue(trainCount), ct)));
        return command;
    }

    private static int Run(int epochs, int trainCount, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        torch.ManualSeed(0);
        var (trainX, trainY) = FashionMnistFiles.Load(train: true, trainCount);
        var (testX, testY) = FashionMnistFiles.Load(train: false, 10_000);
        using var model = new ResNet(ResNetSpec.Compact(1), 10);
        using var optimizer = new AdamW(model.Parameters(), learningRate: 2e-3, weightDecay: 1e-2);
        var train = new TensorBatchSource(trainX, trainY, batchSize: 64, shuffle: true, seed: 0);
        var test = new TensorBatchSource(testX, testY, batchSize: 256);
        System.Console.Error.WriteLine($"Training compact ResNet ({model.ParameterCount():N0} parameters) on {trainCount:N0} Fashion-MNIST images, {epochs} epochs, {torch.GetNumThreads()} threads");
        var loop = new TrainingLoop(model, optimizer, new TrainingOptions { Epochs = epochs, Phase = "demo" })
        {
            Schedule = new OneCycle(((IBatchSource)train).BatchesPerEpoch * epochs, pctStart: 0.25, divFactor: 10, finalDivFactor: 100),
        };
        loop.Callbacks.Add(new ConsoleProgress());
        loop.Fit(train, cancellationToken: ct);
        var (loss, accuracy) = loop.Evaluate(test, ct);
        System.Console.Out.WriteLine($"Test accuracy on 10,000 official test images: {accuracy:P2} (loss {loss:F4}) in {watch.Elapsed.TotalSeconds:F0}s");
        JsonOutput.WriteLastLine(new JsonObject
        {
            ["test_accuracy"] = Math.Round(accuracy, 4),
            ["test_loss"] = Math.Round(loss, 4),
            ["epochs"] = epochs,
            ["train_images"] = trainCount,
            ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 1),
        });
        return 0;
    }
}

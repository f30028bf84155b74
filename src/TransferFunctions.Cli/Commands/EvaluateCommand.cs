using TorchSharp;
using TransferFunctions.Learning.Engine;
using System.CommandLine;
using System.Text.Json.Nodes;
using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Evaluation;
using TransferFunctions.Learning.Models;

namespace TransferFunctions.Cli.Commands;

/// <summary>
/// `transfer evaluate`: measure a model package on a labeled dataset: all of it by default (a held-out folder is scored
/// whole), or only its stable content-hash test split with <c>--split test</c>.
/// </summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model package directory", Required = true };
        var data = new Option<string>("--data") { Description = "dataset: image folder, folder with manifest, or a manifest file", Required = true };
        var split = new Option<string>("--split") { Description = "all (every example; the default) or test (only the dataset's stable content-hash test split)", DefaultValueFactory = _ => "all" };
        split.AcceptOnlyFromAmong("test", "all");
        var device = CommonOptions.Device();
        var command = new Command("evaluate", "Evaluate a model package on a labeled dataset: accuracy, macro-F1, per-class metrics, calibration, 95% intervals.") { model, data, split, device };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(split) == "all", ct, parse.GetValue(device)));
        return command;
    }

    public static async Task<int> RunAsync(string modelPath, string dataPath, bool allExamples, CancellationToken ct, string? deviceOption = null)
    {
        var log = System.Console.Error;
        TorchSharp.torch.Device device;
        try
        {
            device = EngineDevice.Resolve(deviceOption);
        }
        catch (Exception error) when (error is ArgumentException or DeviceUnavailableException)
        {
            log.WriteLine($"error: {error.Message}");
            return DataErrors.ExitCode;
        }
        if (!File.Exists(Path.Combine(modelPath, ModelPackage.CardFile)))
        {
            log.WriteLine($"error: no model package at {modelPath} ({ModelPackage.CardFile} missing)");
            return DataErrors.ExitCode;
        }
        var report = await DataErrors.ReadAndValidateAsync(dataPath, log, ct);
        if (report is null) return DataErrors.ExitCode;
        ModelPackage loaded;
        try
        {
            loaded = TransferFunctions.Pipeline.Steps.BaseModelResolver.LoadVerified(modelPath, modelPath);
        }
        catch (InvalidDataException unverified)
        {
            log.WriteLine($"error: {unverified.Message}");
            return DataErrors.ExitCode;
        }
        using var package = loaded;
        package.Model.to(device);
        var labels = package.Card.Labels;
        var examples = report.Dataset.Examples.Where(e => e.ContentHash is not null && (allExamples || e.Split == DatasetSplit.Test)).ToList();
        if (examples.Count == 0)
        {
            log.WriteLine($"error: {dataPath} has no {(allExamples ? "readable" : "test-split")} examples to evaluate{(allExamples ? "" : "; use --split all")}");
            return DataErrors.ExitCode;
        }
        var unknown = examples.Select(e => e.Label).Distinct().Where(l => !labels.Contains(l)).ToList();
        if (unknown.Count > 0)
        {
            log.WriteLine($"error: labels [{string.Join(", ", unknown)}] of {dataPath} are not among the model's labels [{string.Join(", ", labels)}]");
            return DataErrors.ExitCode;
        }
        log.WriteLine(allExamples
            ? $"evaluating all {examples.Count} examples of {dataPath} (--split test: only its {report.Dataset.Examples.Count(e => e.Split == DatasetSplit.Test)} test-split examples)"
            : $"evaluating the {examples.Count} test-split examples of {dataPath} (of {report.Dataset.Examples.Count}; --split all scores every one)");
        using var inputs = await DatasetTensors.ImagesAsync(report.Dataset, examples, package.Card.Input, ct);
        using var truth = DatasetTensors.Labels(examples, labels);
        var result = ModelEvaluator.Evaluate(package, inputs, truth, cancellationToken: ct);
        var r = result.Report;
        System.Console.Out.WriteLine($"{package.Card.Name} on {r.ExampleCount} examples of {dataPath}: accuracy {r.Accuracy:P2} [{result.AccuracyInterval.Lower:P1}, {result.AccuracyInterval.Upper:P1}], macro-F1 {r.MacroF1:F4}, ECE {r.ExpectedCalibrationError:F4}");
        foreach (var c in r.PerClass)
            System.Console.Out.WriteLine($"  {c.ClassName,-16} precision {c.Precision:F3} recall {c.Recall:F3} F1 {c.F1:F3} support {c.Support}");
        var perClass = new JsonObject();
        foreach (var c in r.PerClass) perClass[c.ClassName] = new JsonObject { ["precision"] = Math.Round(c.Precision, 4), ["recall"] = Math.Round(c.Recall, 4), ["f1"] = Math.Round(c.F1, 4), ["support"] = c.Support };
        JsonOutput.WriteLastLine(new JsonObject
        {
            ["model"] = package.Card.Name,
            ["examples"] = r.ExampleCount,
            ["split"] = allExamples ? "all" : "test",
            ["accuracy"] = Math.Round(r.Accuracy, 4),
            ["accuracy_ci95"] = new JsonArray(Math.Round(result.AccuracyInterval.Lower, 4), Math.Round(result.AccuracyInterval.Upper, 4)),
            ["macro_f1"] = Math.Round(r.MacroF1, 4),
            ["ece"] = r.ExpectedCalibrationError is { } e ? Math.Round(e, 4) : null,
            ["nll"] = r.NegativeLogLikelihood is { } n ? Math.Round(n, 4) : null,
            ["per_class"] = perClass,
            ["device"] = EngineDevice.Describe(device),
        });
        return 0;
    }
}

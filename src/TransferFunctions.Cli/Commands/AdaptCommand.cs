using TransferFunctions.Learning.Engine;
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using TransferFunctions.Cli.Console;
using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Evaluation;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Strategies;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Steps;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Cli.Commands;

/// <summary>
/// `transfer adapt`: read and validate a dataset, split it stably, adapt a base model with a named strategy, evaluate
/// on the test split, and write the adapted package (plus its adaptation report).
/// </summary>
public static class AdaptCommand
{
    /// <summary>The adaptation report written next to the package.</summary>
    public const string ReportFile = "adaptation.json";

    /// <summary>Below this many test examples in a class the printed accuracy is too coarse to read without a warning (the pipeline's gate uses the same bound).</summary>
    public const int MinTestExamplesPerClass = 5;

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "dataset: image folder, folder with manifest.csv/.jsonl, or a manifest file", Required = true };
        var basePath = new Option<string>("--base") { Description = "base model package directory", DefaultValueFactory = _ => DefaultBase() };
        var strategy = new Option<string>("--strategy") { Description = $"one of: {string.Join(", ", StrategyRegistry.Names)}", DefaultValueFactory = _ => "auto" };
        var output = new Option<string?>("--output", "-o") { Description = "directory for the adapted package (direct mode)" };
        var project = new Option<string?>("--project") { Description = "run the whole durable pipeline for this project: the data becomes a batch in --store, the candidate is judged and promoted or rejected" };
        var store = CommonOptions.Store();
        var batchName = new Option<string?>("--batch") { Description = "batch name in pipeline mode (default: cli-<timestamp>)" };
        var steps = new Option<int>("--steps") { Description = "optimizer steps of the main training phase", DefaultValueFactory = _ => AdaptationBudget.Default.Steps };
        var batch = new Option<int>("--batch-size") { Description = "mini-batch size", DefaultValueFactory = _ => AdaptationBudget.Default.BatchSize };
        var seed = new Option<int>("--seed") { Description = "seed of initialization, shuffling and augmentation", DefaultValueFactory = _ => 0 };
        var unlabeled = new Option<string?>("--unlabeled") { Description = "folder of unlabeled target-domain images (domain-adapt)" };
        var cache = new Option<string?>("--feature-cache") { Description = "folder caching frozen-backbone features between runs" };
        var device = CommonOptions.Device();
        var trust = new Option<bool>(ModelCode.TrustFlag) { Description = "allow a --base package that carries model code (TorchScript model.pt, an ONNX graph), which runs when loaded" };
        var command = new Command("adapt", "Adapt a base model to a labeled dataset with a strategy; evaluate on the test split; write the package.")
        {
            data, basePath, strategy, output, steps, batch, seed, unlabeled, cache, project, store, batchName, device, trust,
        };
        command.SetAction((parse, ct) => parse.GetValue(project) is { } p
            ? PipelineAdapt.RunAsync(new PipelineAdapt.Request(p, parse.GetValue(data)!, parse.GetValue(store), parse.GetValue(batchName),
                parse.GetResult(strategy) is null || parse.GetResult(strategy)!.Implicit ? null : parse.GetValue(strategy),
                parse.GetResult(basePath) is null || parse.GetResult(basePath)!.Implicit ? null : parse.GetValue(basePath),
                parse.GetResult(steps) is null || parse.GetResult(steps)!.Implicit ? null : parse.GetValue(steps), parse.GetValue(seed)), ct)
            : parse.GetValue(output) is null
                ? Task.FromResult(MissingMode())
                : RunAsync(new Request(parse.GetValue(data)!, parse.GetValue(basePath)!, parse.GetValue(strategy)!, parse.GetValue(output)!,
            new AdaptationBudget { Steps = parse.GetValue(steps), BatchSize = parse.GetValue(batch) }, parse.GetValue(seed), parse.GetValue(unlabeled), parse.GetValue(cache), parse.GetValue(device), parse.GetValue(trust)), ct));
        return command;
    }

    private static int MissingMode()
    {
        System.Console.Error.WriteLine("error: give --output DIR (train and write a package) or --project NAME (run the durable pipeline into --store)");
        return 2;
    }

    public sealed record Request(string Data, string Base, string Strategy, string Output, AdaptationBudget Budget, int Seed, string? Unlabeled, string? FeatureCache, string? Device = null,
        bool TrustModelCode = false);

    public static async Task<int> RunAsync(Request request, CancellationToken ct)
    {
        var log = System.Console.Error;
        var watch = Stopwatch.StartNew();
        string strategyName;
        Device device;
        try
        {
            strategyName = StrategyRegistry.Create(request.Strategy).Name;
            device = EngineDevice.Resolve(request.Device);
        }
        catch (Exception e) when (e is ArgumentException or DeviceUnavailableException)
        {
            log.WriteLine($"error: {e.Message}");
            return DataErrors.ExitCode;
        }
        // A shipped base by name (fashion-compact, imagenet-resnet18) is its package beside the application.
        var shipped = PipelineOptions.ShippedBaseNames.Contains(request.Base) && !Directory.Exists(request.Base);
        if (shipped)
            request = request with { Base = Path.Combine(new PipelineOptions().ShippedBasesDirectory, request.Base) };
        if (!File.Exists(Path.Combine(request.Base, ModelPackage.CardFile)))
        {
            log.WriteLine($"error: no base model package at {request.Base} ({ModelPackage.CardFile} missing); train one with `transfer pretrain`");
            return DataErrors.ExitCode;
        }
        try
        {
            ModelCode.Require(request.Base, request.Base, shipped || request.TrustModelCode, $"pass {ModelCode.TrustFlag}");
        }
        catch (InvalidRequestException e)
        {
            log.WriteLine($"error: {e.Message}");
            return DataErrors.ExitCode;
        }
        var report = await DataErrors.ReadAndValidateAsync(request.Data, log, ct);
        if (report is null) return DataErrors.ExitCode;
        if (report.Dataset.Labels.Count < 2)
        {
            // The same code and words as the pipeline's validate step; caught here so no stack trace reaches the user.
            log.WriteLine($"error [too-few-classes]: a classifier needs at least 2 classes; the data has {report.Dataset.Labels.Count}");
            log.WriteLine($"{request.Data}: 1 error(s); nothing was trained or written.");
            return DataErrors.ExitCode;
        }
        foreach (var c in report.Counts) log.WriteLine($"  {c.Label}: {c.Train} train, {c.Validation} validation, {c.Test} test");
        var tiny = report.Counts.Where(c => c.Test < MinTestExamplesPerClass).ToList();
        string? testWarning = null;
        if (tiny.Count > 0)
        {
            testWarning = $"{string.Join(", ", tiny.Select(c => $"'{c.Label}' has {c.Test}"))} test example(s) (fewer than {MinTestExamplesPerClass} per class): the test accuracy moves by whole points per image; score a larger held-out folder with `transfer evaluate --data`";
            log.WriteLine($"warning [tiny-test-split]: {testWarning}");
        }

        ModelPackage basePackage;
        try
        {
            basePackage = BaseModelResolver.LoadVerified(request.Base, request.Base);
        }
        catch (InvalidDataException e)
        {
            log.WriteLine($"error: {e.Message}");
            return DataErrors.ExitCode;
        }
        using var loadedBase = basePackage;
        var spec = basePackage.Card.Input;
        using var unlabeled = request.Unlabeled is { } u ? await DatasetTensors.FolderImagesAsync(u, spec, ct) : null;
        using var prepared = await PreparedDataset.FromValidationAsync(report, spec, unlabeled, cancellationToken: ct);

        var context = new AdaptationContext
        {
            Base = basePackage,
            Data = prepared.Target,
            Seed = request.Seed,
            Budget = request.Budget,
            Callbacks = [new ConsoleProgress()],
            FeatureCache = request.FeatureCache is { } dir ? new FileSystemFeatureCache(dir) : null,
            Device = device,
        };
        log.WriteLine($"Adapting {basePackage.Card.Name} with {strategyName}: {prepared.Target.TrainCount} train, {(prepared.Target.HasValidation ? prepared.Target.ValidationInputs!.size(0) : 0)} validation, {prepared.TestInputs.size(0)} test examples; {torch.get_num_threads()} threads on {EngineDevice.Describe(device)}");
        // The pipeline's adapt step runs the same code (CandidateAdaptation); only the evaluation and the output differ.
        using var outcome = await Task.Run(() => CandidateAdaptation.RunAsync(strategyName, context, note => log.WriteLine($"note: {note}"), ct), ct);

        EvaluationResult? evaluation = prepared.TestInputs.size(0) > 0 ? ModelEvaluator.Evaluate(outcome.Model, prepared.TestInputs, prepared.TestLabels, cancellationToken: ct) : null;
        var metrics = new Dictionary<string, double>(outcome.Model.Card.Metrics);
        if (evaluation is not null)
        {
            metrics["test_accuracy"] = Math.Round(evaluation.Accuracy, 4);
            metrics["test_macro_f1"] = Math.Round(evaluation.Report.MacroF1, 4);
            if (evaluation.Report.ExpectedCalibrationError is { } ece) metrics["test_ece"] = Math.Round(ece, 4);
        }
        var package = new ModelPackage(outcome.Model.Card with { Metrics = metrics, Training = new Dictionary<string, string>(outcome.Model.Card.Training) { ["dataset_digest"] = report.Digest } }, outcome.Model.Model);
        package.Save(request.Output);
        await File.WriteAllTextAsync(Path.Combine(request.Output, ReportFile), JsonSerializer.Serialize(new { report = outcome.Report, test = evaluation?.Report }, ModelCardJson.Options), ct);

        foreach (var note in outcome.Report.Notes) System.Console.Out.WriteLine($"  - {note}");
        System.Console.Out.WriteLine(evaluation is null
            ? $"Wrote {request.Output} ({strategyName}); the dataset has no test split, so nothing was evaluated."
            : $"Wrote {request.Output} ({strategyName}){(testWarning is null ? "" : " [tiny test split, see the warning]")}: test accuracy {evaluation.Accuracy:P2} [{evaluation.AccuracyInterval.Lower:P1}, {evaluation.AccuracyInterval.Upper:P1}], macro-F1 {evaluation.Report.MacroF1:F4} on {evaluation.Report.ExampleCount} test examples in {watch.Elapsed.TotalSeconds:F0}s");
        JsonOutput.WriteLastLine(new JsonObject
        {
            ["strategy"] = strategyName,
            ["chosen_strategy"] = package.Card.Training.GetValueOrDefault("chosen_strategy"),
            ["output"] = request.Output,
            ["test_accuracy"] = evaluation is null ? null : Math.Round(evaluation.Accuracy, 4),
            ["test_macro_f1"] = evaluation is null ? null : Math.Round(evaluation.Report.MacroF1, 4),
            ["validation_accuracy"] = outcome.Report.ValidationAccuracy is { } v ? Math.Round(v, 4) : null,
            ["train_examples"] = prepared.Target.TrainCount,
            ["test_examples"] = prepared.TestInputs.size(0),
            ["dataset_digest"] = report.Digest,
            ["weights_digest"] = package.Card.WeightsDigest,
            ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 1),
            ["device"] = EngineDevice.Describe(device),
            ["test_split_warning"] = testWarning,
        });
        return 0;
    }

    /// <summary>The shipped base (<c>models/base/fashion-compact</c>) found from the working directory or the program's folder upward.</summary>
    public static string DefaultBase()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, PretrainCommand.ShippedBase);
                if (File.Exists(Path.Combine(candidate, ModelPackage.CardFile))) return candidate;
            }
        return PretrainCommand.ShippedBase;
    }
}

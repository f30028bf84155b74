using System.Globalization;
using TransferFunctions.Learning.Analysis;
using TransferFunctions.Learning.Models;
using TransferFunctions.Torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// <c>auto</c>: chooses between linear-probe, fine-tune and scratch from (1) labels per class, (2) LogME of the base
/// backbone's features against LogME of a randomly initialized backbone on the same examples, and (3) when the
/// validation set allows it, a quick comparison of the candidates on a fraction of the budget. The winner is then
/// trained with the whole budget. Every reason lands in the report's notes.
/// </summary>
public sealed class AutoStrategy(AutoOptions? options = null) : IAdaptationStrategy
{
    public const string StrategyName = "auto";

    public string Name => StrategyName;
    public AutoOptions Options { get; } = options ?? AutoOptions.Default;

    public AdaptationOutcome Adapt(AdaptationContext context, CancellationToken cancellationToken = default)
    {
        var data = context.Data;
        data.Validate();
        var notes = new List<string>();
        var inv = CultureInfo.InvariantCulture;
        var counts = data.TrainCountsPerClass();
        var perClass = counts.Min();
        notes.Add($"Labels per class: {perClass} to {counts.Max()} ({data.TrainCount} training examples, {data.ClassCount} classes).");

        // (2) Transferability: does the pretrained backbone explain these labels better than random features do?
        var (pretrained, random) = LogMeScores(context, cancellationToken);
        var transfers = pretrained > random;
        notes.Add($"LogME of the base backbone {pretrained:F3} vs a randomly initialized one {random:F3} on {Math.Min(data.TrainCount, Options.LogMeMaxExamples)} examples: " +
                  (transfers ? "the pretrained features carry label information, so transfer should help." : "the pretrained features are no better than random ones, so transfer is suspect."));

        var candidates = new List<string> { FineTuneStrategy.StrategyName, "linear-probe" };
        if (!transfers || perClass >= Options.ManyLabelsPerClass)
        {
            candidates.Add(ScratchStrategy.StrategyName);
            notes.Add(!transfers
                ? "Scratch joins the candidates because the features do not look transferable."
                : $"Scratch joins the candidates: with {perClass} labels per class (≥ {Options.ManyLabelsPerClass}) training from scratch can catch up.");
        }

        // (3) Quick validation comparison, when there is enough validation data to tell candidates apart.
        var validationPerClass = data.HasValidation ? ValidationCounts(data).Min() : 0;
        string chosen;
        var quickScores = new Dictionary<string, double>();
        if (validationPerClass < Options.MinValidationPerClass)
        {
            chosen = transfers ? FineTuneStrategy.StrategyName : perClass >= Options.ManyLabelsPerClass ? ScratchStrategy.StrategyName : FineTuneStrategy.StrategyName;
            notes.Add($"Only {validationPerClass} validation examples per class (< {Options.MinValidationPerClass}): too few to compare candidates, so the prior decides: {chosen}" +
                      (chosen == FineTuneStrategy.StrategyName ? " (fine-tuning a transferable backbone is the best default with few labels)." : "."));
        }
        else
        {
            var quick = context with { Budget = context.Budget.Scaled(Options.QuickBudgetFraction), Callbacks = [] };
            foreach (var name in candidates)
            {
                using var outcome = Create(name).Adapt(quick, cancellationToken);
                quickScores[name] = outcome.Report.ValidationAccuracy ?? double.NaN;
            }
            chosen = FineTuneStrategy.StrategyName;
            foreach (var (name, score) in quickScores)
                if (score > quickScores[chosen] + Options.Margin) chosen = name;
            notes.Add($"Quick comparison at {Options.QuickBudgetFraction:P0} of the budget ({quick.Budget.Steps} steps) on {data.ValidationInputs!.Size(0)} validation examples: " +
                      string.Join(", ", quickScores.Select(kv => $"{kv.Key} {kv.Value:P1}")) + $"; chose {chosen}" +
                      (chosen == FineTuneStrategy.StrategyName ? " (others must lead by more than " + Options.Margin.ToString("P1", inv) + ")." : "."));
        }

        var final = Create(chosen).Adapt(context, cancellationToken);
        var hyperparameters = new Dictionary<string, string>(final.Report.Hyperparameters)
        {
            ["chosen_strategy"] = chosen,
            ["logme_pretrained"] = pretrained.ToString("F4", inv),
            ["logme_random"] = random.ToString("F4", inv),
            ["labels_per_class_min"] = perClass.ToString(inv),
        };
        foreach (var (name, score) in quickScores) hyperparameters[$"quick_validation_{name}"] = score.ToString("F4", inv);
        var manifest = final.Model.Manifest with
        {
            Name = context.OutputName ?? $"{context.Base.Manifest.Name}-{StrategyName}",
            Training = new Dictionary<string, string>(final.Model.Manifest.Training) { ["strategy"] = StrategyName, ["chosen_strategy"] = chosen },
        };
        var package = new ModelPackage(manifest, final.Model.Model);
        var report = final.Report with
        {
            Strategy = StrategyName,
            Hyperparameters = hyperparameters,
            Notes = notes.Concat(final.Report.Notes.Select(n => $"[{chosen}] {n}")).ToList(),
        };
        return new AdaptationOutcome(package, report);
    }

    private IAdaptationStrategy Create(string name) => name switch
    {
        "linear-probe" => new ProbeStrategy("linear-probe", Options.Probe),
        ScratchStrategy.StrategyName => new ScratchStrategy(Options.Scratch),
        _ => new FineTuneStrategy(Options.FineTune),
    };

    private (double Pretrained, double Random) LogMeScores(AdaptationContext context, CancellationToken cancellationToken)
    {
        var data = context.Data;
        var n = Math.Min(data.TrainCount, Options.LogMeMaxExamples);
        using var inputs = data.TrainInputs.Slice(0, 0, n).DetachFromDisposeScope();
        using var labels = data.TrainLabels.Slice(0, 0, n).DetachFromDisposeScope();
        var pretrained = TransferAnalysis.Transferability(context.Base.Model, inputs, labels, data.ClassCount, (int)n, cancellationToken).Score;
        torch.ManualSeed((ulong)(uint)context.Seed);
        using var randomModel = new ResNet(context.Base.Model.Spec, data.ClassCount);
        var random = TransferAnalysis.Transferability(randomModel, inputs, labels, data.ClassCount, (int)n, cancellationToken).Score;
        return (pretrained, random);
    }

    private static int[] ValidationCounts(TargetData data)
    {
        var counts = new int[data.ClassCount];
        foreach (var label in data.ValidationLabels!.ToArray<long>()) counts[label]++;
        return counts;
    }
}

using System.Globalization;
using TransferFunctions.Learning.Analysis;
using TransferFunctions.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;

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
        var decision = Decide(context, cancellationToken);
        var chosen = CreateCandidate(decision.Chosen).Adapt(context, cancellationToken);
        return Complete(context, decision, chosen);
    }

    /// <summary>
    /// The choice alone: labels per class, LogME of pretrained vs random features and, with enough validation data, the
    /// quick comparison. Training <see cref="AutoDecision.Chosen"/> (from <see cref="CreateCandidate"/>) on the same
    /// context is exactly what <see cref="Adapt"/> does next, so a caller that already has that run can reuse it.
    /// </summary>
    public AutoDecision Decide(AdaptationContext context, CancellationToken cancellationToken = default)
    {
        var data = context.Data;
        data.Validate();
        var notes = new List<string>();
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
                using var outcome = CreateCandidate(name).Adapt(quick, cancellationToken);
                quickScores[name] = outcome.Report.ValidationAccuracy ?? double.NaN;
            }
            chosen = FineTuneStrategy.StrategyName;
            foreach (var (name, score) in quickScores)
                if (score > quickScores[chosen] + Options.Margin) chosen = name;
            notes.Add($"Quick comparison at {Options.QuickBudgetFraction:P0} of the budget ({quick.Budget.Steps} steps) on {data.ValidationInputs!.size(0)} validation examples: " +
                      string.Join(", ", quickScores.Select(kv => $"{kv.Key} {kv.Value:P1}")) + $"; chose {chosen}" +
                      (chosen == FineTuneStrategy.StrategyName ? " (others must lead by more than " + Options.Margin.ToString("P1", CultureInfo.InvariantCulture) + ")." : "."));
        }
        return new AutoDecision(chosen, notes, quickScores, pretrained, random, perClass);
    }

    /// <summary>Labels <paramref name="chosen"/> (the run of <paramref name="decision"/>'s winner on the same context) as auto's outcome, with the decision's reasons.</summary>
    public AdaptationOutcome Complete(AdaptationContext context, AutoDecision decision, AdaptationOutcome chosen)
    {
        var inv = CultureInfo.InvariantCulture;
        var hyperparameters = new Dictionary<string, string>(chosen.Report.Hyperparameters)
        {
            ["chosen_strategy"] = decision.Chosen,
            ["logme_pretrained"] = decision.LogMePretrained.ToString("F4", inv),
            ["logme_random"] = decision.LogMeRandom.ToString("F4", inv),
            ["labels_per_class_min"] = decision.LabelsPerClassMin.ToString(inv),
        };
        foreach (var (name, score) in decision.QuickScores) hyperparameters[$"quick_validation_{name}"] = score.ToString("F4", inv);
        var manifest = chosen.Model.Card with
        {
            Name = context.OutputName ?? $"{context.Base.Card.Name}-{StrategyName}",
            Training = new Dictionary<string, string>(chosen.Model.Card.Training) { ["strategy"] = StrategyName, ["chosen_strategy"] = decision.Chosen },
        };
        var package = new ModelPackage(manifest, chosen.Model.Model);
        var report = chosen.Report with
        {
            Strategy = StrategyName,
            Hyperparameters = hyperparameters,
            Notes = decision.Notes.Concat(chosen.Report.Notes.Select(n => $"[{decision.Chosen}] {n}")).ToList(),
        };
        return new AdaptationOutcome(package, report);
    }

    /// <summary>The candidate strategy called <paramref name="name"/> with this auto's options for it.</summary>
    public IAdaptationStrategy CreateCandidate(string name) => name switch
    {
        "linear-probe" => new ProbeStrategy("linear-probe", Options.Probe),
        ScratchStrategy.StrategyName => new ScratchStrategy(Options.Scratch),
        FineTuneStrategy.StrategyName => new FineTuneStrategy(Options.FineTune),
        _ => throw new ArgumentException($"auto has no candidate '{name}' (candidates: fine-tune, linear-probe, scratch)", nameof(name)),
    };

    private (double Pretrained, double Random) LogMeScores(AdaptationContext context, CancellationToken cancellationToken)
    {
        var data = context.Data;
        var n = Math.Min(data.TrainCount, Options.LogMeMaxExamples);
        using var inputs = data.TrainInputs.slice(0, 0, n, 1).DetachFromDisposeScope();
        using var labels = data.TrainLabels.slice(0, 0, n, 1).DetachFromDisposeScope();
        var pretrained = TransferAnalysis.Transferability(context.Base.Model, inputs, labels, data.ClassCount, (int)n, cancellationToken).Score;
        torch.manual_seed((long)(uint)context.Seed);
        using var randomModel = new ResNet(context.Base.Model.Spec, data.ClassCount);
        var random = TransferAnalysis.Transferability(randomModel, inputs, labels, data.ClassCount, (int)n, cancellationToken).Score;
        return (pretrained, random);
    }

    private static int[] ValidationCounts(TargetData data)
    {
        var counts = new int[data.ClassCount];
        foreach (var label in data.ValidationLabels!.data<long>().ToArray()) counts[label]++;
        return counts;
    }
}

/// <summary>What <c>auto</c> chose and why, before the winner is trained.</summary>
/// <param name="Chosen">The candidate to train with the whole budget.</param>
/// <param name="Notes">Each reason, in the order they were weighed.</param>
/// <param name="QuickScores">Validation accuracy of each candidate after the quick budget (empty when the prior decided).</param>
/// <param name="LogMePretrained">LogME of the base backbone's features.</param>
/// <param name="LogMeRandom">LogME of a randomly initialized backbone's features on the same examples.</param>
/// <param name="LabelsPerClassMin">Training labels of the smallest class.</param>
public sealed record AutoDecision(string Chosen, IReadOnlyList<string> Notes, IReadOnlyDictionary<string, double> QuickScores, double LogMePretrained, double LogMeRandom, int LabelsPerClassMin);

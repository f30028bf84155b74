using TorchSharp.Modules;
using TransferFunctions.Learning.Training;
using TransferFunctions.Learning.Engine;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// <c>linear-probe</c> / <c>mlp-probe</c>: the base backbone stays frozen; its features are extracted once (or read from
/// the cache) and only a new head trains on them, in milliseconds per step. Source skill is untouched by construction.
/// </summary>
public sealed class ProbeStrategy(string name, ProbeOptions options) : IAdaptationStrategy
{
    public string Name { get; } = name;
    public ProbeOptions Options { get; } = options;

    public AdaptationOutcome Adapt(AdaptationContext context, CancellationToken cancellationToken = default)
    {
        var run = new StrategyRun(Name, context);
        var features = run.FrozenFeatures(cancellationToken);
        var model = AdaptedModel.FromBase(context.Base, context.Data.ClassCount, keepSourceHead: true, headHiddenUnits: Options.HiddenUnits, device: context.Device);
        try
        {
            var steps = Math.Max(Options.MinSteps, context.Budget.Steps);
            model.Freeze();
            var head = new HeadSet(model.Head);
            var parameters = head.parameters().ToList();
            foreach (var p in parameters) p.requires_grad = true;
            run.Phases.Add(PhaseRunner.Run(new TrainingPhase
            {
                Name = Name,
                Model = head,
                Groups = [ParameterGroups.Group(parameters, Options.LearningRate, Options.WeightDecay)],
                Inputs = features.Train,
                Targets = context.Data.TrainLabels,
                Loss = b => nn.functional.cross_entropy(head.forward(b.Inputs), b.Targets, label_smoothing: Options.LabelSmoothing),
                ValidationInputs = features.Validation,
                ValidationLabels = context.Data.ValidationLabels,
                Steps = steps,
                BatchSize = context.Budget.BatchSize,
                Rounds = context.Budget.ValidationRounds,
                EarlyStoppingPatience = Options.EarlyStoppingPatience,
                Seed = context.Seed,
            }, context.Callbacks, cancellationToken));
            run.Notes.Add(Options.HiddenUnits > 0
                ? $"Trained an MLP head ({Options.HiddenUnits} hidden units) on frozen features for {steps} steps; the backbone is unchanged."
                : $"Trained a linear head on frozen features for {steps} steps; the backbone is unchanged.");
            var inv = CultureInfo.InvariantCulture;
            run.Hyperparameters["learning_rate"] = Options.LearningRate.ToString("R", inv);
            run.Hyperparameters["weight_decay"] = Options.WeightDecay.ToString("R", inv);
            run.Hyperparameters["label_smoothing"] = Options.LabelSmoothing.ToString("R", inv);
            run.Hyperparameters["head_steps"] = steps.ToString(inv);
            run.Hyperparameters["hidden_units"] = Options.HiddenUnits.ToString(inv);
            run.Hyperparameters["early_stopping_patience"] = Options.EarlyStoppingPatience?.ToString(inv) ?? "off";
            return run.Finish(model);
        }
        catch
        {
            model.Dispose();
            run.Features?.Dispose();
            throw;
        }
    }
}

using TorchSharp.Modules;
using TransferFunctions.Learning.Training;
using TransferFunctions.Learning.Engine;
using System.Globalization;
using TransferFunctions.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// <c>scratch</c>: the base's architecture from random initialization, trained on the target data with the same step
/// budget — the baseline every adaptation must beat (otherwise transfer was negative).
/// </summary>
public sealed class ScratchStrategy(ScratchOptions? options = null) : IAdaptationStrategy
{
    public const string StrategyName = "scratch";

    public string Name => StrategyName;
    public ScratchOptions Options { get; } = options ?? ScratchOptions.Default;

    public AdaptationOutcome Adapt(AdaptationContext context, CancellationToken cancellationToken = default)
    {
        var run = new StrategyRun(Name, context);
        var spec = context.Base.Model.Spec;
        var model = new ResNet(spec, context.Data.ClassCount).to(context.Device);
        try
        {
            var inputSpec = context.Base.Card.Input;
            run.Phases.Add(PhaseRunner.Run(new TrainingPhase
            {
                Name = Name,
                Model = model,
                Groups = [ParameterGroups.Group(model.parameters(), Options.LearningRate, Options.WeightDecay)],
                Inputs = context.Data.TrainInputs,
                Targets = context.Data.TrainLabels,
                Loss = b =>
                {
                    var x = Options.AugmentShift > 0 ? AdaptedModel.Augment(b.Inputs, inputSpec, Options.AugmentShift) : b.Inputs;
                    return nn.functional.cross_entropy(model.forward(x), b.Targets, label_smoothing: Options.LabelSmoothing);
                },
                ValidationInputs = context.Data.ValidationInputs,
                ValidationLabels = context.Data.ValidationLabels,
                Steps = context.Budget.Steps,
                BatchSize = context.Budget.BatchSize,
                Rounds = context.Budget.ValidationRounds,
                Schedule = Options.Schedule,
                EarlyStoppingPatience = Options.EarlyStoppingPatience,
                Seed = context.Seed,
            }, context.Callbacks, cancellationToken));
            run.Notes.Add($"Random initialization (seed {context.Seed}) of {spec.Name}, {context.Budget.Steps} steps — the same budget the adapted models get.");
            var inv = CultureInfo.InvariantCulture;
            run.Hyperparameters["learning_rate"] = Options.LearningRate.ToString("R", inv);
            run.Hyperparameters["weight_decay"] = Options.WeightDecay.ToString("R", inv);
            run.Hyperparameters["schedule"] = Options.Schedule.ToString().ToLowerInvariant();
            run.Hyperparameters["label_smoothing"] = Options.LabelSmoothing.ToString("R", inv);
            run.Hyperparameters["augment_shift"] = Options.AugmentShift.ToString(inv);
            run.Hyperparameters["early_stopping_patience"] = Options.EarlyStoppingPatience?.ToString(inv) ?? "off";
            return run.Finish(model, fromBase: false);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}

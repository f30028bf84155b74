using System.Globalization;
using TransferFunctions.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// <c>hybrid</c>: fine-tuning where every step also replays a batch of the base model's source task through the kept
/// source head (<c>heads.source</c>, trained too), at <see cref="HybridOptions.ReplayRatio"/> source examples per target
/// example. The backbone must keep serving both tasks, which is what prevents catastrophic forgetting. Without source
/// data it falls back to L2-SP, the closest guard against forgetting that needs no data.
/// </summary>
public sealed class HybridStrategy(HybridOptions? options = null) : IAdaptationStrategy
{
    public const string StrategyName = "hybrid";

    public string Name => StrategyName;
    public HybridOptions Options { get; } = options ?? HybridOptions.Default;

    public AdaptationOutcome Adapt(AdaptationContext context, CancellationToken cancellationToken = default)
    {
        var run = new StrategyRun(Name, context);
        var model = AdaptedModel.FromBase(context.Base, context.Data.ClassCount, keepSourceHead: true, device: context.Device);
        try
        {
            var fo = Options.FineTune;
            var replay = context.Data.SourceReplay;
            if (replay is not null && !AdaptedModel.HasSourceHead(model))
                throw new ArgumentException("hybrid replay needs the base model's head as a linear layer to keep as the source head; this base has an MLP head");
            if (replay is not null && !replay.LabelNames.SequenceEqual(context.Base.Card.Labels))
                throw new ArgumentException($"the source replay's labels [{string.Join(", ", replay.LabelNames)}] are not the base model's labels [{string.Join(", ", context.Base.Card.Labels)}]");
            var inv = CultureInfo.InvariantCulture;
            FineTuneRecipe recipe;
            StepBudgetBatchSource? stream = null;
            IEnumerator<Batch>? next = null;
            try
            {
                if (replay is not null)
                {
                    var replayBatch = (int)Math.Clamp(Math.Round(Options.ReplayRatio * Math.Min(context.Budget.BatchSize, context.Data.TrainCount)), 1, replay.Inputs.size(0));
                    stream = new StepBudgetBatchSource(new TensorBatchSource(replay.Inputs, replay.Labels, replayBatch, shuffle: true, seed: context.Seed + 104729), int.MaxValue);
                    next = stream.Batches(0, cancellationToken).GetEnumerator();
                    var spec = context.Base.Card.Input;
                    var sourceHead = model.ExtraHeads![AdaptedModel.SourceHeadName];
                    Tensor Replay(Batch _, Tensor __)
                    {
                        next.MoveNext();
                        var inputs = next.Current.Inputs.to(context.Device);
                        var x = fo.AugmentShift > 0 ? AdaptedModel.Augment(inputs, spec, fo.AugmentShift) : inputs;
                        return nn.functional.cross_entropy(sourceHead.forward(model.Features(x)), next.Current.Targets.to(context.Device), label_smoothing: fo.LabelSmoothing).mul(Options.ReplayWeight);
                    }
                    recipe = new FineTuneRecipe(context, fo, model, context.Data.TrainLabels, FineTuneRecipe.PrimaryLoss(model, fo.LabelSmoothing), ["fc", $"heads.{AdaptedModel.SourceHeadName}"])
                    {
                        ExtraLoss = Replay,
                    };
                    run.Notes.Add($"Replayed {replayBatch} source examples per step ({replay.Description}, {replay.Inputs.size(0)} available) through the kept source head, weight {Options.ReplayWeight:G3}.");
                    run.Hyperparameters["replay_ratio"] = Options.ReplayRatio.ToString("R", inv);
                    run.Hyperparameters["replay_weight"] = Options.ReplayWeight.ToString("R", inv);
                    run.Hyperparameters["replay_source"] = replay.Description;
                }
                else
                {
                    recipe = new FineTuneRecipe(context, fo, model, context.Data.TrainLabels, FineTuneRecipe.PrimaryLoss(model, fo.LabelSmoothing), ["fc"])
                    {
                        L2SpAlphaOverride = Math.Max(fo.L2SpAlpha, Options.FallbackL2SpAlpha),
                    };
                    run.Notes.Add("No source data available for replay (the base package names none that could be loaded): fell back to fine-tuning with L2-SP toward the pretrained weights.");
                    run.Hyperparameters["replay_source"] = "none (L2-SP fallback)";
                }
                if (fo.HeadWarmupSteps > 0) recipe.WarmUpHeads(run.FrozenFeatures(cancellationToken), cancellationToken, ["fc"]);
                recipe.FineTune(context.Budget.Steps, cancellationToken);
            }
            finally
            {
                next?.Dispose();
                stream?.Dispose();
            }
            run.Phases.AddRange(recipe.Phases);
            run.Notes.AddRange(recipe.Notes);
            foreach (var (k, v) in FineTuneRecipe.Describe(fo)) run.Hyperparameters[k] = v;
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

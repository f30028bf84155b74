namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// <c>fine-tune</c>: head warm-up on cached frozen features, then unfreezing (all, top-N or gradual) with discriminative
/// learning rates, augmentation, label smoothing, a cosine or one-cycle schedule, early stopping with best-weights
/// restore, and optional L2-SP. The base head is kept (frozen) as <c>heads.source</c> to measure forgetting.
/// </summary>
public sealed class FineTuneStrategy(FineTuneOptions? options = null) : IAdaptationStrategy
{
    public const string StrategyName = "fine-tune";

    public string Name => StrategyName;
    public FineTuneOptions Options { get; } = options ?? FineTuneOptions.Default;

    public AdaptationOutcome Adapt(AdaptationContext context, CancellationToken cancellationToken = default)
    {
        var run = new StrategyRun(Name, context);
        var model = AdaptedModel.FromBase(context.Base, context.Data.ClassCount, keepSourceHead: true, device: context.Device);
        try
        {
            var recipe = new FineTuneRecipe(context, Options, model, context.Data.TrainLabels, FineTuneRecipe.PrimaryLoss(model, Options.LabelSmoothing), ["fc"]);
            if (Options.HeadWarmupSteps > 0) recipe.WarmUpHeads(run.FrozenFeatures(cancellationToken), cancellationToken);
            recipe.FineTune(context.Budget.Steps, cancellationToken);
            run.Phases.AddRange(recipe.Phases);
            run.Notes.AddRange(recipe.Notes);
            foreach (var (k, v) in FineTuneRecipe.Describe(Options)) run.Hyperparameters[k] = v;
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

using System.Globalization;
using TransferFunctions.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// <c>domain-adapt</c>: for labeled examples from one domain and unlabeled examples from the domain the model will
/// serve. Fine-tunes on the labeled examples while a CORAL (or MMD) loss pulls the features of each labeled batch and an
/// unlabeled batch together, each normalized with its own batch statistics; then AdaBN re-estimates every batch-norm
/// layer's statistics on the unlabeled examples, so the deployed model normalizes with target-domain statistics.
/// </summary>
public sealed class DomainAdaptStrategy(DomainAdaptOptions? options = null) : IAdaptationStrategy
{
    public const string StrategyName = "domain-adapt";

    public string Name => StrategyName;
    public DomainAdaptOptions Options { get; } = options ?? DomainAdaptOptions.Default;

    public AdaptationOutcome Adapt(AdaptationContext context, CancellationToken cancellationToken = default)
    {
        var data = context.Data;
        if (data.UnlabeledInputs is not { } unlabeled || unlabeled.size(0) < 2)
            throw new ArgumentException("domain-adapt needs unlabeled target-domain inputs (TargetData.UnlabeledInputs, at least 2 examples)");
        var run = new StrategyRun(Name, context);
        var model = AdaptedModel.FromBase(context.Base, data.ClassCount, keepSourceHead: true, device: context.Device);
        try
        {
            var fo = Options.FineTune;
            var batch = (int)Math.Min(context.Budget.BatchSize, unlabeled.size(0));
            // The unlabeled examples stream in their own shuffled order, one batch per training step.
            using var noLabels = torch.zeros(unlabeled.size(0), dtype: ScalarType.Int64).DetachFromDisposeScope();
            var targetBatches = new TensorBatchSource(unlabeled, noLabels, batch, shuffle: true, seed: context.Seed + 7919);
            using var stream = new StepBudgetBatchSource(targetBatches, int.MaxValue);
            using var next = stream.Batches(0, cancellationToken).GetEnumerator();
            var spec = context.Base.Card.Input;
            Tensor Alignment(Batch labeled, Tensor labeledFeatures)
            {
                next.MoveNext();
                var inputs = next.Current.Inputs.to(context.Device);
                var x = fo.AugmentShift > 0 ? AdaptedModel.Augment(inputs, spec, fo.AugmentShift) : inputs;
                return FeatureAlignment.Loss(Options.Alignment, labeledFeatures, model.Features(x)).mul(Options.AlignmentWeight);
            }
            var recipe = new FineTuneRecipe(context, fo, model, data.TrainLabels, FineTuneRecipe.PrimaryLoss(model, fo.LabelSmoothing), ["fc"])
            {
                ExtraLoss = Options.Alignment == AlignmentLoss.None ? null : Alignment,
            };
            if (fo.HeadWarmupSteps > 0) recipe.WarmUpHeads(run.FrozenFeatures(cancellationToken), cancellationToken);
            recipe.FineTune(context.Budget.Steps, cancellationToken);
            run.Phases.AddRange(recipe.Phases);
            run.Notes.AddRange(recipe.Notes);
            if (Options.Alignment != AlignmentLoss.None)
                run.Notes.Add($"{Options.Alignment} alignment (weight {Options.AlignmentWeight:G3}) between labeled batches and batches of {batch} of the {unlabeled.size(0)} unlabeled target examples.");
            if (Options.AdaBatchNorm)
            {
                var layers = BatchNormStatistics.Reestimate(model, unlabeled, cancellationToken);
                run.Notes.Add($"AdaBN: re-estimated the statistics of {layers} batch-norm layers on the {unlabeled.size(0)} unlabeled target examples.");
            }
            foreach (var (k, v) in FineTuneRecipe.Describe(fo)) run.Hyperparameters[k] = v;
            run.Hyperparameters["alignment"] = Options.Alignment.ToString().ToLowerInvariant();
            run.Hyperparameters["alignment_weight"] = Options.AlignmentWeight.ToString("R", CultureInfo.InvariantCulture);
            run.Hyperparameters["adabn"] = Options.AdaBatchNorm ? "true" : "false";
            run.Hyperparameters["unlabeled_examples"] = unlabeled.size(0).ToString(CultureInfo.InvariantCulture);
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

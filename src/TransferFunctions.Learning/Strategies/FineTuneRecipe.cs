using TransferFunctions.Learning.Engine;
using System.Globalization;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// The pieces fine-tune, multi-task, domain-adapt and hybrid share: head warm-up on cached frozen features, then
/// unfreezing with discriminative learning rates, augmentation, label smoothing, a schedule, early stopping,
/// the batch-norm policy and optional L2-SP — each phase a <see cref="TrainingPhase"/> on the one training loop.
/// What differs between strategies is the head loss (one task or several) and an optional extra loss term.
/// </summary>
internal sealed class FineTuneRecipe
{
    private readonly AdaptationContext _context;
    private readonly FineTuneOptions _options;
    private readonly ResNet _model;
    private readonly Tensor _targets;
    private readonly Func<Tensor, Tensor, Tensor> _headLoss;
    private readonly IReadOnlyList<string> _trainedHeads;

    /// <param name="context">Data, budget, seed and callbacks.</param>
    /// <param name="options">The recipe's settings.</param>
    /// <param name="model">The model being adapted (from <see cref="AdaptedModel.FromBase"/>).</param>
    /// <param name="targets">Training targets: [N] labels or [N, T] for several tasks.</param>
    /// <param name="headLoss">Loss of the heads given (features, targets).</param>
    /// <param name="trainedHeads">Head prefixes that train ("fc", "heads.color", ...).</param>
    public FineTuneRecipe(AdaptationContext context, FineTuneOptions options, ResNet model, Tensor targets, Func<Tensor, Tensor, Tensor> headLoss, IReadOnlyList<string> trainedHeads)
    {
        _context = context;
        _options = options;
        _model = model;
        _targets = targets;
        _headLoss = headLoss;
        _trainedHeads = trainedHeads;
    }

    public List<PhaseHistory> Phases { get; } = new();
    public List<string> Notes { get; } = new();

    /// <summary>An extra loss term given (batch, its backbone features), e.g. feature alignment or source replay.</summary>
    public Func<Batch, Tensor, Tensor>? ExtraLoss { get; init; }

    /// <summary>L2-SP strength, overriding the options' (e.g. hybrid's fallback).</summary>
    public double? L2SpAlphaOverride { get; init; }

    private InputSpec Spec => _context.Base.Card.Input;
    private TargetData Data => _context.Data;
    private int BatchSize => (int)Math.Min(_context.Budget.BatchSize, Data.TrainCount);

    /// <summary>Trains the heads alone on the frozen backbone's cached features.</summary>
    /// <param name="features">Cached features of the train and validation inputs.</param>
    /// <param name="cancellationToken">Stops training between steps.</param>
    /// <param name="heads">Heads the head loss uses (default: every trained head).</param>
    public void WarmUpHeads(FrozenFeatures features, CancellationToken cancellationToken, IReadOnlyList<string>? heads = null)
    {
        if (_options.HeadWarmupSteps <= 0) return;
        var modules = (heads ?? _trainedHeads).Select(prefix => (prefix, HeadModule(prefix))).ToList();
        var set = new HeadSet(modules[0].Item2, modules.Skip(1).Select(h => (h.prefix.Replace('.', '_'), h.Item2)));
        var parameters = set.parameters().ToList();
        foreach (var p in parameters) p.requires_grad = true;
        Phases.Add(PhaseRunner.Run(new TrainingPhase
        {
            Name = "head warm-up",
            Model = set,
            Groups = [ParameterGroups.Group(parameters, _options.HeadWarmupLearningRate, _options.WeightDecay)],
            Inputs = features.Train,
            Targets = _targets,
            Loss = b => _headLoss(b.Inputs, b.Targets),
            ValidationInputs = features.Validation,
            ValidationLabels = Data.ValidationLabels,
            Steps = _options.HeadWarmupSteps,
            BatchSize = BatchSize,
            Rounds = _context.Budget.ValidationRounds,
            EarlyStoppingPatience = _options.EarlyStoppingPatience,
            Seed = _context.Seed,
        }, _context.Callbacks, cancellationToken));
        Notes.Add($"Head warm-up: {_options.HeadWarmupSteps} steps on cached frozen features (lr {_options.HeadWarmupLearningRate:G3}) so fine-tuning starts from a sensible head instead of pushing random-head gradients into the backbone.");
    }

    /// <summary>Unfreezes per the options and fine-tunes for <paramref name="steps"/> steps (split over sub-phases when gradual).</summary>
    public void FineTune(int steps, CancellationToken cancellationToken)
    {
        var stageCount = DiscriminativeLearningRates.Stages(_model).Count;
        var freezeBn = FreezeBatchNorm();
        Notes.Add(freezeBn
            ? $"Batch norm frozen (eval mode, pretrained statistics): batches of {BatchSize} examples are below {_options.FreezeBatchNormBelowBatch}, too few for stable statistics."
            : $"Batch norm statistics updated on target batches of {BatchSize} examples (policy {_options.BatchNorm}), so normalization follows the target domain.");
        var alpha = L2SpAlphaOverride ?? _options.L2SpAlpha;
        using var l2sp = alpha > 0 ? new L2SpPenalty(_model, alpha) : null;
        if (l2sp is not null) Notes.Add($"L2-SP: α = {alpha:G3} pulls backbone weights toward the pretrained ones (weight decay off for the backbone).");

        var plan = _options.Unfreeze switch
        {
            UnfreezeMode.All => new[] { (Stages: stageCount, Steps: steps) },
            UnfreezeMode.TopStages => new[] { (Stages: Math.Clamp(_options.TopStages, 0, stageCount), Steps: steps) },
            _ => Enumerable.Range(1, stageCount).Select(i => (Stages: i, Steps: Math.Max(1, steps / stageCount))).ToArray(),
        };
        Notes.Add(_options.Unfreeze switch
        {
            UnfreezeMode.All => $"Unfroze all {stageCount} stages; learning rates decay ×{_options.LayerDecay} per stage toward the input (head {_options.LearningRate:G3}).",
            UnfreezeMode.TopStages => $"Unfroze the top {plan[0].Stages} of {stageCount} stages; the rest keep their pretrained weights.",
            _ => $"Gradual unfreezing: {stageCount} sub-phases of {plan[0].Steps} steps, one more stage each from the top.",
        });

        foreach (var (stages, phaseSteps) in plan)
        {
            var groups = DiscriminativeLearningRates.Build(_model, stages, _options.LearningRate, _options.LayerDecay, l2sp is null ? _options.WeightDecay : 0, _trainedHeads);
            if (l2sp is not null) groups[0].WeightDecay = _options.WeightDecay;
            Phases.Add(PhaseRunner.Run(new TrainingPhase
            {
                Name = plan.Length == 1 ? "fine-tune" : $"fine-tune (top {stages} stages)",
                Model = _model,
                Groups = groups,
                Inputs = Data.TrainInputs,
                Targets = _targets,
                Loss = b =>
                {
                    var x = _options.AugmentShift > 0 ? AdaptedModel.Augment(b.Inputs, Spec, _options.AugmentShift) : b.Inputs;
                    var features = _model.Features(x);
                    var loss = _headLoss(features, b.Targets);
                    if (ExtraLoss is not null) loss = loss.add(ExtraLoss(b, features));
                    if (l2sp is not null) loss = loss.add(l2sp.Compute());
                    return loss;
                },
                ValidationInputs = Data.ValidationInputs,
                ValidationLabels = Data.ValidationLabels,
                Steps = phaseSteps,
                BatchSize = BatchSize,
                Rounds = _context.Budget.ValidationRounds,
                Schedule = _options.Schedule,
                WarmupFraction = _options.WarmupFraction,
                EarlyStoppingPatience = _options.EarlyStoppingPatience,
                FreezeBatchNorm = freezeBn,
                Seed = _context.Seed + Phases.Count,
            }, _context.Callbacks, cancellationToken));
        }
        _model.eval();
    }

    public bool FreezeBatchNorm() => _options.BatchNorm switch
    {
        BatchNormPolicy.Freeze => true,
        BatchNormPolicy.Update => false,
        _ => BatchSize < _options.FreezeBatchNormBelowBatch,
    };

    /// <summary>The settings as manifest/report strings.</summary>
    public static Dictionary<string, string> Describe(FineTuneOptions o)
    {
        var inv = CultureInfo.InvariantCulture;
        return new Dictionary<string, string>
        {
            ["head_warmup_steps"] = o.HeadWarmupSteps.ToString(inv),
            ["head_warmup_learning_rate"] = o.HeadWarmupLearningRate.ToString("R", inv),
            ["unfreeze"] = o.Unfreeze == UnfreezeMode.TopStages ? $"top-{o.TopStages}" : o.Unfreeze.ToString().ToLowerInvariant(),
            ["learning_rate"] = o.LearningRate.ToString("R", inv),
            ["layer_decay"] = o.LayerDecay.ToString("R", inv),
            ["weight_decay"] = o.WeightDecay.ToString("R", inv),
            ["schedule"] = o.Schedule.ToString().ToLowerInvariant(),
            ["warmup_fraction"] = o.WarmupFraction.ToString("R", inv),
            ["label_smoothing"] = o.LabelSmoothing.ToString("R", inv),
            ["augment_shift"] = o.AugmentShift.ToString(inv),
            ["early_stopping_patience"] = o.EarlyStoppingPatience?.ToString(inv) ?? "off",
            ["l2sp_alpha"] = o.L2SpAlpha.ToString("R", inv),
            ["batch_norm"] = o.BatchNorm.ToString().ToLowerInvariant(),
        };
    }

    private nn.Module<Tensor, Tensor> HeadModule(string prefix) => prefix == "fc"
        ? _model.Head
        : _model.ExtraHeads![prefix["heads.".Length..]];

    /// <summary>Single-task loss: cross-entropy of the primary head with label smoothing.</summary>
    public static Func<Tensor, Tensor, Tensor> PrimaryLoss(ResNet model, double labelSmoothing) =>
        (features, targets) => nn.functional.cross_entropy(model.Head.forward(features), targets, label_smoothing: labelSmoothing);

    /// <summary>
    /// Cross-entropy that skips targets of -1 (missing labels) and stays finite when a batch has none: summed, then
    /// divided by the number of labeled rows (at least 1).
    /// </summary>
    public static Tensor MaskedCrossEntropy(Tensor logits, Tensor targets, double labelSmoothing)
    {
        var labeled = targets.ne(-1).sum().to(ScalarType.Float32).clamp_min(1);
        return nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.Sum, ignore_index: -1, label_smoothing: labelSmoothing).div(labeled);
    }
}

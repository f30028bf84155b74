using TransferFunctions.Learning.Engine;
using TransferFunctions.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// One step-budgeted phase of a strategy, run by <see cref="PhaseRunner"/> on the one <see cref="TrainingLoop"/>: what
/// trains (<see cref="Groups"/>), on which tensors, with which loss, for how many steps, and how it is validated.
/// </summary>
public sealed record TrainingPhase
{
    public required string Name { get; init; }

    /// <summary>The module the loop puts in train/eval mode, validates and snapshots for early stopping.</summary>
    public required nn.Module<Tensor, Tensor> Model { get; init; }

    /// <summary>Parameter groups for AdamW; only their parameters change.</summary>
    public required IReadOnlyList<AdamW.ParamGroup> Groups { get; init; }

    /// <summary>Training inputs (images or cached features) and targets ([N] labels, or [N, T] for several tasks).</summary>
    public required Tensor Inputs { get; init; }
    public required Tensor Targets { get; init; }

    public required Func<Batch, Tensor> Loss { get; init; }

    /// <summary>Primary-task logits for validation; the model's forward when null.</summary>
    public Func<Tensor, Tensor>? Predict { get; init; }

    public Tensor? ValidationInputs { get; init; }
    public Tensor? ValidationLabels { get; init; }

    public required int Steps { get; init; }
    public int BatchSize { get; init; } = 64;

    /// <summary>Validation passes spread evenly over the steps.</summary>
    public int Rounds { get; init; } = 10;

    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;

    /// <summary>Fraction of the steps spent warming the learning rate up (cosine schedule).</summary>
    public double WarmupFraction { get; init; } = 0.1;

    /// <summary>Rounds without validation improvement before stopping; null trains every step and keeps the last weights.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Keep batch-norm layers in eval mode while training (see <see cref="FrozenBatchNorm"/>).</summary>
    public bool FreezeBatchNorm { get; init; }

    public double? MaxGradNorm { get; init; } = 5.0;

    public int Seed { get; init; }
}

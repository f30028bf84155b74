using System.Diagnostics;
using TransferFunctions.Torch;
using TransferFunctions.Torch.NN;
using TransferFunctions.Torch.Optim;

namespace TransferFunctions.Learning.Training;

/// <summary>
/// The one training loop every strategy uses: per-step dispose scope (nothing outlives a step),
/// optional per-step learning-rate schedule, gradient clipping, per-epoch validation, and callbacks
/// for progress, early stopping and checkpoints. What differs between strategies is the loss
/// (<see cref="LossFunction"/>) and which parameters the optimizer holds.
/// </summary>
public sealed class TrainingLoop
{
    public TrainingLoop(Module model, Optimizer optimizer, TrainingOptions? options = null)
    {
        Model = model;
        Optimizer = optimizer;
        Options = options ?? new TrainingOptions();
        LossFunction = batch => Functional.CrossEntropy(Model.Forward(batch.Inputs), batch.Targets);
        Predict = x => Model.Forward(x);
    }

    public Module Model { get; }
    public Optimizer Optimizer { get; }
    public TrainingOptions Options { get; }

    /// <summary>Computes the scalar loss of a batch (default: cross-entropy of the model's logits).</summary>
    public Func<Batch, Tensor> LossFunction { get; init; }

    /// <summary>Logits for validation (default: the model's forward).</summary>
    public Func<Tensor, Tensor> Predict { get; init; }

    public LearningRateSchedule? Schedule { get; init; }

    public List<ITrainingCallback> Callbacks { get; } = new();

    public TrainingHistory Fit(IBatchSource train, IBatchSource? validation = null, CancellationToken cancellationToken = default)
    {
        var total = Stopwatch.StartNew();
        var epochs = new List<EpochResult>();
        var stepsPerEpoch = train.BatchesPerEpoch;
        var stopReason = $"completed {Options.Epochs} epochs";
        long globalStep = 0;
        for (var epoch = 1; epoch <= Options.Epochs; epoch++)
        {
            var watch = Stopwatch.StartNew();
            Model.Train();
            foreach (var c in Callbacks) c.OnEpochStart(epoch, this);
            double lossSum = 0;
            long seen = 0, step = 0;
            foreach (var batch in train.Batches(epoch, cancellationToken))
            {
                using var scope = torch.NewDisposeScope();
                Schedule?.Apply(Optimizer, globalStep);
                Optimizer.ZeroGrad();
                var loss = LossFunction(batch);
                loss.Backward();
                if (Options.MaxGradNorm is { } maxNorm) Optimizer.ClipGradNorm(maxNorm);
                Optimizer.Step();
                var value = loss.Item();
                if (!double.IsFinite(value)) throw new TrainingDivergedException($"{Options.Phase}: loss became {value} at epoch {epoch}, step {step + 1}; lower the learning rate");
                lossSum += value * batch.Size;
                seen += batch.Size;
                step++;
                globalStep++;
                var elapsed = total.Elapsed;
                var remaining = TimeSpan.FromTicks((long)(elapsed.Ticks / (double)globalStep * (stepsPerEpoch * Options.Epochs - globalStep)));
                var progress = new TrainingProgress(Options.Phase, epoch, Options.Epochs, step, stepsPerEpoch, lossSum / seen, elapsed, remaining);
                foreach (var c in Callbacks) c.OnStep(progress);
            }
            (double Loss, double Accuracy)? val = validation is null ? null : Evaluate(validation, cancellationToken);
            var result = new EpochResult(epoch, seen == 0 ? double.NaN : lossSum / seen, val?.Loss, val?.Accuracy, Optimizer.ParamGroups[0].LearningRate, watch.Elapsed);
            epochs.Add(result);
            string? stop = null;
            foreach (var c in Callbacks) stop ??= c.OnEpochEnd(result, this);
            if (stop is not null)
            {
                stopReason = stop;
                break;
            }
        }
        var history = new TrainingHistory(epochs, stopReason, epochs.Count, total.Elapsed);
        foreach (var c in Callbacks) c.OnTrainingEnd(history, this);
        var best = Callbacks.OfType<EarlyStopping>().FirstOrDefault()?.BestEpoch;
        return best is { } b && b > 0 ? history with { BestEpoch = b } : history;
    }

    /// <summary>Mean cross-entropy and accuracy over <paramref name="source"/>, in eval mode without autograd.</summary>
    public (double Loss, double Accuracy) Evaluate(IBatchSource source, CancellationToken cancellationToken = default)
    {
        var wasTraining = Model.Training;
        Model.Eval();
        using var noGrad = torch.NoGrad();
        double lossSum = 0;
        long correct = 0, seen = 0;
        foreach (var batch in source.Batches(0, cancellationToken))
        {
            using var scope = torch.NewDisposeScope();
            var logits = Predict(batch.Inputs);
            lossSum += Functional.CrossEntropy(logits, batch.Targets, reduction: Reduction.Sum).Item();
            correct += logits.ArgMax(1).Eq(batch.Targets).Sum().ItemLong();
            seen += batch.Size;
        }
        Model.Train(wasTraining);
        return seen == 0 ? (double.NaN, double.NaN) : (lossSum / seen, correct / (double)seen);
    }
}

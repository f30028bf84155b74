using System.Diagnostics;
using TorchSharp;
using TransferFunctions.Learning.Engine;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Training;

/// <summary>
/// The one training loop every strategy uses: a dispose scope per step (nothing outlives a step), optional
/// per-step learning-rate schedule, gradient clipping, per-epoch validation, and callbacks for progress, early
/// stopping and checkpoints. What differs between strategies is the loss (<see cref="LossFunction"/>) and which
/// parameters the optimizer holds. Batches are moved to the model's device; losses accumulate on it.
/// </summary>
public sealed class TrainingLoop
{
    public TrainingLoop(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, TrainingOptions? options = null)
    {
        Model = model;
        Optimizer = optimizer;
        Options = options ?? new TrainingOptions();
        LossFunction = batch => nn.functional.cross_entropy(Model.forward(batch.Inputs), batch.Targets);
        Predict = x => Model.forward(x);
        Device = model.parameters().FirstOrDefault()?.device ?? CPU;
    }

    public nn.Module<Tensor, Tensor> Model { get; }
    public optim.Optimizer Optimizer { get; }
    public TrainingOptions Options { get; }

    /// <summary>Where the model lives; every batch is moved here.</summary>
    public Device Device { get; }

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
        var parameters = Optimizer.parameters().ToList();
        // On the CPU every op has finished when it returns, so reading the loss costs a copy of one float; on a GPU a
        // read waits for the queue, so the running loss is read only every few steps and at the end of each epoch.
        var readEvery = Device.type == DeviceType.CPU ? 1 : Options.LossReadInterval;
        long globalStep = 0;
        for (var epoch = 1; epoch <= Options.Epochs; epoch++)
        {
            var watch = Stopwatch.StartNew();
            Model.train();
            foreach (var c in Callbacks) c.OnEpochStart(epoch, this);
            using var lossSum = zeros(1, dtype: ScalarType.Float64, device: Device);
            double runningLoss = double.NaN;
            long seen = 0, step = 0;
            foreach (var batch in train.Batches(epoch, cancellationToken))
            {
                using (var scope = NewDisposeScope())
                {
                    Schedule?.Apply(Optimizer, globalStep);
                    // None, not zero: a parameter without a gradient gets neither weight decay nor momentum from AdamW.
                    ModuleExtensions.ClearGradients(parameters);
                    var onDevice = new Batch(batch.Inputs.to(Device), batch.Targets.to(Device));
                    var loss = LossFunction(onDevice);
                    loss.backward();
                    if (Options.MaxGradNorm is { } maxNorm) nn.utils.clip_grad_norm_(parameters, maxNorm);
                    Optimizer.step();
                    lossSum.add_(loss.detach().to(ScalarType.Float64).mul(batch.Size));
                }
                seen += batch.Size;
                step++;
                globalStep++;
                if (step % readEvery == 0 || step == stepsPerEpoch)
                {
                    runningLoss = lossSum.item<double>() / seen;
                    if (!double.IsFinite(runningLoss)) throw new TrainingDivergedException($"{Options.Phase}: loss became {runningLoss} at epoch {epoch}, by step {step}; lower the learning rate");
                }
                var elapsed = total.Elapsed;
                var remaining = TimeSpan.FromTicks((long)(elapsed.Ticks / (double)globalStep * (stepsPerEpoch * Options.Epochs - globalStep)));
                var progress = new TrainingProgress(Options.Phase, epoch, Options.Epochs, step, stepsPerEpoch, runningLoss, elapsed, remaining);
                foreach (var c in Callbacks) c.OnStep(progress);
            }
            var meanLoss = seen == 0 ? double.NaN : lossSum.item<double>() / seen;
            if (seen > 0 && !double.IsFinite(meanLoss)) throw new TrainingDivergedException($"{Options.Phase}: loss became {meanLoss} in epoch {epoch}; lower the learning rate");
            (double Loss, double Accuracy)? val = validation is null ? null : Evaluate(validation, cancellationToken);
            var result = new EpochResult(epoch, meanLoss, val?.Loss, val?.Accuracy, Optimizer.ParamGroups.First().LearningRate, watch.Elapsed);
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

    /// <summary>Mean cross-entropy and accuracy over <paramref name="source"/>, in eval mode without autograd (one host read at the end).</summary>
    public (double Loss, double Accuracy) Evaluate(IBatchSource source, CancellationToken cancellationToken = default)
    {
        var wasTraining = Model.training;
        Model.eval();
        try
        {
            using var noGrad = no_grad();
            using var lossSum = zeros(1, dtype: ScalarType.Float64, device: Device);
            using var correct = zeros(1, dtype: ScalarType.Int64, device: Device);
            long seen = 0;
            foreach (var batch in source.Batches(0, cancellationToken))
            {
                using var scope = NewDisposeScope();
                var targets = batch.Targets.to(Device);
                var logits = Predict(batch.Inputs.to(Device));
                lossSum.add_(nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.Sum).to(ScalarType.Float64));
                correct.add_(logits.argmax(1).eq(targets).sum());
                seen += batch.Size;
            }
            return seen == 0 ? (double.NaN, double.NaN) : (lossSum.item<double>() / seen, correct.item<long>() / (double)seen);
        }
        finally
        {
            Model.train(wasTraining);
        }
    }
}

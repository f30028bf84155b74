using TorchSharp.Modules;
using TransferFunctions.Learning.Engine;
using TransferFunctions.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>Runs a <see cref="TrainingPhase"/> on the one <see cref="TrainingLoop"/>: steps in rounds, AdamW, schedule, early stopping.</summary>
public static class PhaseRunner
{
    public static PhaseHistory Run(TrainingPhase phase, IEnumerable<ITrainingCallback> callbacks, CancellationToken cancellationToken = default)
    {
        if (phase.Steps < 1) throw new ArgumentOutOfRangeException(nameof(phase), $"phase '{phase.Name}' has {phase.Steps} steps; at least 1 is needed");
        var n = phase.Inputs.size(0);
        var batchSize = (int)Math.Max(1, Math.Min(phase.BatchSize, n));
        var rounds = Math.Clamp(phase.Rounds, 1, phase.Steps);
        var stepsPerRound = (phase.Steps + rounds - 1) / rounds;
        var totalSteps = (long)stepsPerRound * rounds;

        var inner = new TensorBatchSource(phase.Inputs, phase.Targets, batchSize, shuffle: true, seed: phase.Seed);
        using var source = new StepBudgetBatchSource(inner, stepsPerRound);
        using var optimizer = ParameterGroups.AdamW(phase.Groups);
        LearningRateSchedule schedule = phase.Schedule == ScheduleKind.OneCycle && totalSteps > 1
            ? new OneCycle(totalSteps, pctStart: 0.25, divFactor: 10, finalDivFactor: 100)
            : new CosineWithWarmup(totalSteps, (long)Math.Round(phase.WarmupFraction * totalSteps));
        var loop = new TrainingLoop(phase.Model, optimizer, new TrainingOptions { Epochs = rounds, Phase = phase.Name, MaxGradNorm = phase.MaxGradNorm })
        {
            Schedule = schedule,
            LossFunction = phase.Loss,
            Predict = phase.Predict ?? phase.Model.forward,
        };
        if (phase.FreezeBatchNorm) loop.Callbacks.Add(new FrozenBatchNorm());
        var hasValidation = phase.ValidationInputs is not null && phase.ValidationLabels is not null && phase.ValidationInputs.size(0) > 0;
        // Ties go to the later round (minDelta just below 0): with few validation examples accuracy plateaus early,
        // and the longer-trained weights of equal accuracy generalize better.
        using var early = hasValidation && phase.EarlyStoppingPatience is { } patience ? new EarlyStopping(patience, minDelta: -1e-9) : null;
        if (early is not null) loop.Callbacks.Add(early);
        loop.Callbacks.AddRange(callbacks);
        var validation = hasValidation ? new TensorBatchSource(phase.ValidationInputs!, phase.ValidationLabels!, 256) : null;
        var history = loop.Fit(source, validation, cancellationToken);
        return new PhaseHistory(phase.Name, (int)Math.Min(totalSteps, history.Epochs.Count * (long)stepsPerRound), history);
    }
}

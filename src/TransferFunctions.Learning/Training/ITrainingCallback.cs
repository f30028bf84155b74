namespace TransferFunctions.Learning.Training;

/// <summary>Hooks into <see cref="TrainingLoop"/>: progress, early stopping, checkpoints are callbacks, not loop variants.</summary>
public interface ITrainingCallback
{
    /// <summary>Called after the loop has put the model in training mode for <paramref name="epoch"/>, before its first step (e.g. to keep batch-norm layers frozen).</summary>
    void OnEpochStart(int epoch, TrainingLoop loop) { }

    void OnStep(TrainingProgress progress) { }

    /// <summary>Called after each epoch; return a reason to stop training, or null to go on.</summary>
    string? OnEpochEnd(EpochResult result, TrainingLoop loop) => null;

    void OnTrainingEnd(TrainingHistory history, TrainingLoop loop) { }
}

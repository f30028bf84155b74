namespace TransferFunctions.Pipeline.Steps;

/// <summary>A model trained by a step and staged in the run's folder (not registered): weights + model.json under <see cref="StagedPrefix"/>.</summary>
/// <param name="Role">candidate, scratch or probe.</param>
/// <param name="Strategy">The strategy that trained it.</param>
/// <param name="StagedPrefix">Store prefix of its weights and card.</param>
/// <param name="WeightsDigest">Digest of the staged weights.</param>
/// <param name="Hyperparameters">The strategy's hyperparameters.</param>
/// <param name="Notes">What the strategy noted while training.</param>
/// <param name="Curve">Training loss and validation accuracy per epoch of each phase.</param>
/// <param name="Seconds">Duration of the step.</param>
/// <param name="TrainExamples">Labeled examples it was trained on; 0 in journals of older versions.</param>
/// <param name="ValidationExamples">Held-out examples used for early stopping and model choice.</param>
/// <param name="TestExamples">Test examples of the run's data (scored later by the evaluate step, never trained on).</param>
public sealed record TrainedModel(string Role, string Strategy, string StagedPrefix, string WeightsDigest, IReadOnlyDictionary<string, string> Hyperparameters, IReadOnlyList<string> Notes, IReadOnlyList<EpochPoint> Curve, double Seconds,
    int TrainExamples = 0, int ValidationExamples = 0, int TestExamples = 0);

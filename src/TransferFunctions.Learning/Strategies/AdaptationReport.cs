namespace TransferFunctions.Learning.Strategies;

/// <summary>What a strategy did and why.</summary>
/// <param name="Strategy">The strategy's registry name.</param>
/// <param name="Hyperparameters">Every setting that shaped the result (also in the manifest's training section).</param>
/// <param name="Phases">Training history of each phase, in order (e.g. head warm-up, then fine-tuning).</param>
/// <param name="Notes">Choices and their reasons, in plain words.</param>
/// <param name="ValidationAccuracy">Primary-task accuracy on the validation examples at the end, when there are any.</param>
/// <param name="TaskValidationAccuracy">Validation accuracy per task for multi-task models (primary task under "label").</param>
/// <param name="FeaturesComputed">Examples passed through the frozen backbone to compute features (0 when all came from the cache).</param>
/// <param name="FeatureCacheHit">True when frozen-backbone features were read from the cache.</param>
/// <param name="Duration">Wall-clock time of the whole adaptation.</param>
/// <param name="Device">The device the training ran on (<c>cpu</c>, <c>cuda:0</c>).</param>
public sealed record AdaptationReport(
    string Strategy,
    IReadOnlyDictionary<string, string> Hyperparameters,
    IReadOnlyList<PhaseHistory> Phases,
    IReadOnlyList<string> Notes,
    double? ValidationAccuracy,
    IReadOnlyDictionary<string, double> TaskValidationAccuracy,
    int FeaturesComputed,
    bool FeatureCacheHit,
    TimeSpan Duration,
    string Device = "cpu");

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// The extract-features step's result: where the frozen backbone's features are cached (per example, under the
/// backbone's folder), how many examples went through the backbone and how many came from the cache, and how
/// transferable the features look.
/// </summary>
/// <param name="CacheKey">The backbone's folder of the feature cache, <c>features/{backbone-digest}/</c>.</param>
/// <param name="CacheHit">True when no example went through the backbone.</param>
/// <param name="LogMe">LogME transferability of the features to the target labels.</param>
/// <param name="LogMeRandomBackbone">The same for a randomly initialized backbone (what pretraining earned).</param>
/// <param name="DomainMmd">Squared MMD between source and target features; null without source data.</param>
/// <param name="FeatureDimension">Length of a feature vector.</param>
/// <param name="Seconds">Duration of the step.</param>
/// <param name="ExamplesComputed">Examples whose features this step computed (only the new ones); 0 in journals of older versions.</param>
/// <param name="ExamplesCached">Examples whose features came from the cache; 0 in journals of older versions.</param>
/// <param name="ExtractionSeconds">Time spent getting the features (cache lookups and extraction), without the transferability scores.</param>
/// <param name="Device">The device the backbone ran on (<c>cpu</c>, <c>cuda:0</c>), as resolved; null in journals of older versions.</param>
public sealed record FeatureReport(string CacheKey, bool CacheHit, double LogMe, double? LogMeRandomBackbone, double? DomainMmd, int FeatureDimension, double Seconds,
    int ExamplesComputed = 0, int ExamplesCached = 0, double? ExtractionSeconds = null, string? Device = null);

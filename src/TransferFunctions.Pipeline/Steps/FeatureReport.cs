namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// The extract-features step's result: where the frozen backbone's features are cached (keyed by
/// backbone and dataset digests), whether the cache already had them, and how transferable they look.
/// </summary>
public sealed record FeatureReport(string CacheKey, bool CacheHit, double LogMe, double? LogMeRandomBackbone, double? DomainMmd, int FeatureDimension, double Seconds);

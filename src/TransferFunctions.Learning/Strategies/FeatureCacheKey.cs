namespace TransferFunctions.Learning.Strategies;

/// <summary>Identifies cached features: the frozen backbone's weights digest and the digest of the data it was run on.</summary>
public sealed record FeatureCacheKey(string BackboneDigest, string DatasetDigest)
{
    public override string ToString() => $"{BackboneDigest}/{DatasetDigest}";
}

namespace TransferFunctions.Pipeline.Tests.Pipeline;

/// <summary>Pipeline runs share exported batches and run one at a time (each uses every core).</summary>
[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<TargetBatches>
{
    public const string Name = "pipeline";
}

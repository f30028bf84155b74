namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>Real pipeline runs share the exported batches and run one at a time (each uses every core).</summary>
[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<TargetBatches>
{
    public const string Name = "functions pipeline";
}

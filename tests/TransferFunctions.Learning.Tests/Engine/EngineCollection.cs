namespace TransferFunctions.Learning.Tests.Engine;

/// <summary>Tests that seed libtorch's process-wide generator or measure resident memory run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EngineCollection
{
    public const string Name = "engine";
}

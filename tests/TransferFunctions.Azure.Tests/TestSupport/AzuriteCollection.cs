namespace TransferFunctions.Azure.Tests.TestSupport;

/// <summary>Every test class that needs Azurite joins this collection and shares one Azurite process.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

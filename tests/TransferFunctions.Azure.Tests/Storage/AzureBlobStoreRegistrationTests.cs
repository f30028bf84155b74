using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TransferFunctions.Azure.Storage;
using TransferFunctions.Azure.Tests.TestSupport;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Azure.Tests.Storage;

/// <summary>Configuration to store: the <c>Store:</c> section, its validation, and the DI registration.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobStoreRegistrationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Store_kind_azure_blob_registers_a_working_blob_store_from_configuration()
    {
        var configuration = Configuration(new()
        {
            ["Store:Kind"] = "azure-blob",
            ["Store:ConnectionString"] = azurite.ConnectionString,
            ["Store:Container"] = "registration",
            ["Store:CreateContainer"] = "true",
        });
        await using var services = new ServiceCollection().AddAzureBlobStore(configuration).BuildServiceProvider();

        var store = services.GetRequiredService<IObjectStore>();
        var written = await store.WriteAsync($"probe/{Guid.NewGuid():N}.txt", "hello"u8.ToArray());

        Assert.IsType<AzureBlobObjectStore>(store);
        Assert.Equal("hello", Encoding.UTF8.GetString((await store.ReadAsync(written.Key))!.Content.Span));
        Assert.EndsWith("/registration", ((AzureBlobObjectStore)store).ContainerUri.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_store_kinds_register_nothing()
    {
        var configuration = Configuration(new() { ["Store:Kind"] = "filesystem", ["Store:Root"] = "/tmp/x" });

        using var services = new ServiceCollection().AddAzureBlobStore(configuration).BuildServiceProvider();

        Assert.Null(services.GetService<IObjectStore>());
    }

    [Fact]
    public void Invalid_configuration_fails_on_resolve_naming_the_settings()
    {
        var configuration = Configuration(new() { ["Store:Kind"] = "azure-blob", ["Store:Container"] = "Bad_Name" });
        using var services = new ServiceCollection().AddAzureBlobStore(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IObjectStore>());

        Assert.Contains("Store:BlobServiceUri must be set", error.Message, StringComparison.Ordinal);
        Assert.Contains("Store:Container 'Bad_Name'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://acct.blob.core.windows.net", null, "absolute https URI")]
    [InlineData("https://acct.blob.core.windows.net/transferfunctions", null, "without a container or path")]
    [InlineData("https://acct.blob.core.windows.net", "UseDevelopmentStorage=true", "Set only one of")]
    [InlineData(null, null, "Store:BlobServiceUri must be set")]
    public void Endpoint_problems_are_explained(string? uri, string? connectionString, string expected)
    {
        var problems = AzureBlobStoreOptionsValidator.Problems(new AzureBlobStoreOptions { BlobServiceUri = uri, ConnectionString = connectionString });

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("transferfunctions", true)]
    [InlineData("tf-runs-2", true)]
    [InlineData("ab", false)]
    [InlineData("Upper", false)]
    [InlineData("double--hyphen", false)]
    [InlineData("-leading", false)]
    [InlineData("trailing-", false)]
    public void Container_names_follow_Azure_rules(string name, bool valid)
    {
        Assert.Equal(valid, AzureBlobStoreOptionsValidator.IsValidContainerName(name));
    }

    [Fact]
    public void Managed_identity_configuration_is_valid_without_any_secret()
    {
        Assert.Empty(AzureBlobStoreOptionsValidator.Problems(new AzureBlobStoreOptions { BlobServiceUri = "https://acct.blob.core.windows.net" }));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}

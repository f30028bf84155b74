namespace TransferFunctions.Azure.Storage;

/// <summary>
/// The <c>Store:</c> configuration section when <c>Store:Kind</c> is <c>azure-blob</c>. In Azure set
/// <see cref="BlobServiceUri"/> (the managed identity signs in through <c>DefaultAzureCredential</c>, picked by
/// <c>AZURE_CLIENT_ID</c>); <see cref="ConnectionString"/> is for Azurite and development accounts only.
/// </summary>
public sealed class AzureBlobStoreOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Store";

    /// <summary>The value of <c>Store:Kind</c> that selects this store.</summary>
    public const string KindName = "azure-blob";

    /// <summary>The container used when <see cref="Container"/> is not set.</summary>
    public const string DefaultContainer = "transferfunctions";

    /// <summary>Default size of one staged block when streaming large objects (also the largest object sent in one request).</summary>
    public const int DefaultUploadBlockSize = 8 * 1024 * 1024;

    /// <summary>Must be <see cref="KindName"/> for this store to be registered.</summary>
    public string? Kind { get; set; }

    /// <summary>The account's blob endpoint, e.g. <c>https://account.blob.core.windows.net</c>.</summary>
    public string? BlobServiceUri { get; set; }

    /// <summary>The container holding every object of the store.</summary>
    public string Container { get; set; } = DefaultContainer;

    /// <summary>Azurite or development only: a storage connection string (it carries an account key). Never in Azure.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Create the container on first use when it is missing (development; in Azure the infrastructure creates it).</summary>
    public bool CreateContainer { get; set; }

    /// <summary>
    /// Objects up to this size are written in one request; larger ones are staged in blocks of this size and
    /// committed at the end. Two blocks are held in memory while streaming.
    /// </summary>
    public int UploadBlockSize { get; set; } = DefaultUploadBlockSize;

    /// <summary>
    /// How long one request may go without an answer (or a block of a download without data) before it counts as
    /// failed and is retried; the SDK's default is 100 s, which makes a frozen service hang a call for ten minutes.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

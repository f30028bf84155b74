using System.ComponentModel.DataAnnotations;

namespace TransferFunctions.Pipeline.Storage;

/// <summary>
/// Configuration section <c>Store</c> (env <c>TF_Store__Kind</c>, …): which object store the hosts share.
/// <c>filesystem</c> is built in; other kinds (<c>azure-blob</c>) are registered by their adapter project as a keyed
/// <see cref="IObjectStore"/> under the kind's name.
/// </summary>
public sealed class StoreOptions
{
    public const string Section = "Store";
    public const string FileSystem = "filesystem";
    public const string AzureBlob = "azure-blob";

    /// <summary><c>filesystem</c> (default) or <c>azure-blob</c>.</summary>
    [Required]
    public string Kind { get; set; } = FileSystem;

    /// <summary>Root folder of the filesystem store.</summary>
    public string Root { get; set; } = ".store";

    /// <summary>Blob service endpoint, e.g. https://acct.blob.core.windows.net (azure-blob).</summary>
    public string? BlobServiceUri { get; set; }

    /// <summary>Blob container (azure-blob).</summary>
    public string Container { get; set; } = "transferfunctions";

    /// <summary>Azurite/dev only; in Azure the managed identity is used.</summary>
    public string? ConnectionString { get; set; }
}

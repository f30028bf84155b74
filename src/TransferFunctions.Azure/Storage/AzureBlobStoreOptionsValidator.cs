using Microsoft.Extensions.Options;

namespace TransferFunctions.Azure.Storage;

/// <summary>Checks <see cref="AzureBlobStoreOptions"/> and says, in configuration terms, what to fix.</summary>
public sealed class AzureBlobStoreOptionsValidator : IValidateOptions<AzureBlobStoreOptions>
{
    private const int MinimumBlockSize = 1024 * 1024;
    private const int MaximumBlockSize = 256 * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, AzureBlobStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Problems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Every problem with <paramref name="options"/>; empty when they are usable.</summary>
    public static List<string> Problems(AzureBlobStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var hasUri = !string.IsNullOrWhiteSpace(options.BlobServiceUri);
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        if (!hasUri && !hasConnectionString)
        {
            problems.Add("Store:BlobServiceUri must be set when Store:Kind is azure-blob (e.g. https://account.blob.core.windows.net; "
                + "Store:ConnectionString instead only for Azurite).");
        }
        else if (hasUri && hasConnectionString)
        {
            problems.Add("Set only one of Store:BlobServiceUri (Azure, signed in with the managed identity) and Store:ConnectionString (Azurite).");
        }
        else if (hasUri)
        {
            if (!Uri.TryCreate(options.BlobServiceUri, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                problems.Add($"Store:BlobServiceUri '{options.BlobServiceUri}' must be an absolute https URI such as https://account.blob.core.windows.net "
                    + "(Azure credentials are only sent over TLS).");
            }
            else if (uri.AbsolutePath.Trim('/').Length > 0 && !uri.IsLoopback)
            {
                problems.Add($"Store:BlobServiceUri '{options.BlobServiceUri}' must be the account's blob endpoint, without a container or path; "
                    + "name the container in Store:Container.");
            }
        }

        if (!IsValidContainerName(options.Container))
        {
            problems.Add($"Store:Container '{options.Container}' is not a valid container name: 3 to 63 lowercase letters, digits and single "
                + "hyphens, starting and ending with a letter or digit.");
        }

        if (options.UploadBlockSize is < MinimumBlockSize or > MaximumBlockSize)
        {
            problems.Add($"Store:UploadBlockSize {options.UploadBlockSize} must be between {MinimumBlockSize} and {MaximumBlockSize} bytes.");
        }

        if (options.NetworkTimeout < TimeSpan.FromSeconds(1) || options.NetworkTimeout > TimeSpan.FromMinutes(10))
        {
            problems.Add($"Store:NetworkTimeout {options.NetworkTimeout} must be between 00:00:01 and 00:10:00.");
        }

        return problems;
    }

    /// <summary>Azure's rule for container names.</summary>
    public static bool IsValidContainerName(string? name)
    {
        if (name is null || name.Length is < 3 or > 63 || name[0] == '-' || name[^1] == '-' || name.Contains("--", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }
}

using Microsoft.Extensions.Options;
using TransferFunctions.Azure.Storage;

namespace TransferFunctions.Azure.Jobs;

/// <summary>Checks <see cref="ContainerAppsJobOptions"/> and says, in configuration terms, what to fix.</summary>
public sealed class ContainerAppsJobOptionsValidator : IValidateOptions<ContainerAppsJobOptions>
{
    private static readonly string[] Devices = ["auto", "cpu", "cuda"];

    public ValidateOptionsResult Validate(string? name, ContainerAppsJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Problems(options, store: null);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Every problem with <paramref name="options"/> (and, when given, with the store the steps will use).</summary>
    public static List<string> Problems(ContainerAppsJobOptions options, AzureBlobStoreOptions? store)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        Require(options.SubscriptionId, "ContainerApps:SubscriptionId", problems);
        Require(options.ResourceGroup, "ContainerApps:ResourceGroup", problems);
        Require(options.JobName, "ContainerApps:JobName", problems);
        if (!string.IsNullOrWhiteSpace(options.SubscriptionId) && !Guid.TryParse(options.SubscriptionId, out _))
        {
            problems.Add($"ContainerApps:SubscriptionId '{options.SubscriptionId}' must be a subscription id (a GUID).");
        }

        if (!Uri.TryCreate(options.ResourceManagerEndpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"ContainerApps:ResourceManagerEndpoint '{options.ResourceManagerEndpoint}' must be an absolute https URI such as {ContainerAppsJobOptions.PublicCloudResourceManager}.");
        }

        Require(options.Command, "ContainerApps:Command", problems);
        var device = options.EngineDevice ?? string.Empty;
        if (!Devices.Contains(device, StringComparer.Ordinal) && !(device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.AsSpan(5), out var index) && index >= 0))
        {
            problems.Add($"ContainerApps:EngineDevice '{options.EngineDevice}' must be auto, cpu, cuda or cuda:N.");
        }

        if (store is not null)
        {
            if (string.IsNullOrWhiteSpace(store.BlobServiceUri))
            {
                problems.Add("Container steps need Store:BlobServiceUri (the account's blob endpoint, reached with the managed identity); "
                    + "a connection string cannot be handed to a job.");
            }

            problems.AddRange(AzureBlobStoreOptionsValidator.Problems(new AzureBlobStoreOptions
            {
                BlobServiceUri = store.BlobServiceUri,
                Container = store.Container,
                UploadBlockSize = store.UploadBlockSize,
            }).Where(problem => !problem.StartsWith("Store:BlobServiceUri must be set", StringComparison.Ordinal)));
        }

        return problems;
    }

    private static void Require(string? value, string setting, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{setting} must be set.");
        }
    }
}
